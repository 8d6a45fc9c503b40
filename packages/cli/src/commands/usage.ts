/** Help text of `cx serve`. */
export const SERVE_USAGE = `Usage: cx serve --write-key <key> [options]

Runs the collection server: Segment's HTTP Tracking API (POST /v1/track, /v1/batch, ...) and
the Profile API (GET|DELETE /v1/profiles/<type>:<value>).

Options:
  --port <n>          port to listen on (default 8080; 0 picks a free one)
  --host <addr>       address to bind (default 127.0.0.1)
  --storage <spec>    memory | sqlite:<file> | postgres://user@host/db (default memory)
  --write-key <key>   the key sources send: collection only (or env CX_WRITE_KEY)
  --read-key <key>    a key that reads the Profile API (or env CX_READ_KEY)
  --admin-key <key>   a key that reads and deletes profiles (or env CX_ADMIN_KEY)
                      Each key flag may be repeated (rotation; env: comma-separated), and a
                      key may be given as sha256:<hex digest> so the plain key is never held.
                      Without a read or admin key the Profile API answers 401.
  --workspace <id>    the workspace events go to (default "default")
  --segments          run the segment engine and serve the segment API (/v1/segments, ...)
  --rate-limit <n>    requests per second per key before 429 (default unlimited)
  --phone-region <cc> region of phone numbers without a country code, such as VN
                      (or env CX_PHONE_REGION; default: only +<country> numbers count)
`;

/** Help text of `cx import`. */
export const IMPORT_USAGE = `Usage: cx import --storage <spec> --workspace <id> --kind customers|events [options] <file>

Streams a CSV or NDJSON file into the store, a batch at a time. Use - to read stdin.

Options:
  --storage <spec>    sqlite:<file> | postgres://user@host/db | memory
  --workspace <id>    the workspace to import into
  --kind <kind>       customers (identify calls) or events (track calls)
  --format <format>   csv or ndjson (default: from the file extension)
  --errors <file>     write rejected rows there as NDJSON (default: stderr)
  --batch-size <n>    calls per batch (default 500)
  --json              print the summary as JSON
  --phone-region <cc> region of phone numbers without a country code, such as VN
                      (or env CX_PHONE_REGION; default: only +<country> numbers count)

CSV customers: user_id, anonymous_id, email, phone, message_id, timestamp; other columns are traits.
CSV events: event, user_id / anonymous_id, timestamp, message_id, properties.<name>.
NDJSON: one Segment call per line.

Exit codes: 0 all rows imported, 1 fatal error, 2 bad usage, 3 finished with rejected rows.
`;

/** Help text of `cx segments`. */
export const SEGMENTS_USAGE = `Usage: cx segments <command> --storage <spec> --workspace <id> [options]

Defines, backfills and inspects the segments and computed traits of a workspace.

Commands:
  define <file.json>    validate and save a segment, or a computed trait (JSON with "kind")
  backfill <id>         run the engine until the segment is live, with progress on stderr;
                        Ctrl-C stops it, and running it again continues where it stopped
  list                  segments (id, name, status, version) and computed traits
  sizes                 segments and their members now
  matrix --segments <a,b,c> --from <date> [--to <date>]
                        how many profiles moved between the segments over the period
  preview <file.json>   size and first 20 members of a definition, without saving it

Options:
  --storage <spec>    sqlite:<file> | postgres://user@host/db | memory
  --workspace <id>    the workspace
  --json              print the result as JSON
  --batch-size <n>    backfill: events per replay step (default 500)
  --segments <ids>    matrix: segment ids separated by commas, by priority
  --from <date>       matrix: start of the period (ISO-8601)
  --to <date>         matrix: end of the period (default now)
  --at <date>         preview: the instant to compute members for (default now)

Use - as the file to read stdin.

Exit codes: 0 done, 1 fatal error, 2 bad usage or an invalid definition (nothing saved),
130 backfill interrupted (run it again to continue).
`;
