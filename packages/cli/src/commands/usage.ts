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
  --channels <file>   a channels config (see cx send): run the outbox dispatcher and serve the
                      messaging endpoints (unsubscribe, preferences, tracking, provider
                      webhooks, /v1/me/inbox, push subscriptions, contacts)
  --journeys <file>   journey definitions (JSON: one or an array; needs --channels): publish
                      those that changed and run the journey workers
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

/** Help text of `cx send`. */
export const SEND_USAGE = `Usage: cx send --db <file> --to <person> --channel <list> --template <id|file> [options]

Renders a message for one person, prints the preview of every channel, then (unless --preview)
enqueues it in the outbox and delivers it at once through the adapters of the channels config.

Options:
  --db <file>          the SQLite store (or --storage sqlite:<file> | postgres://user@host/db)
  --workspace <id>     the workspace (default "default")
  --channels <file>    the channels config: adapters and their credentials (default
                       ./cx.channels.json when it exists; not needed with --preview)
  --to <person>        <type>:<value> (email:an@example.com, phone:+84912345678, user_id:42)
                       or a profile id
  --channel <list>     the channels to try, in order, separated by commas: sms,email
                       (the first is preferred, the rest are the fallback chain)
  --template <t>       a saved template's id, or a template JSON file (a name ending in .json
                       or holding a /; one definition or an array). Repeat it, one per channel.
  --data <json>        values for {{ data.* }}, a JSON object: '{"coupon":"TET"}'
  --data-file <file>   the same from a file (- for stdin)
  --category <c>       marketing (default) or transactional
  --topic <id>         the subscription topic, for consent and per-topic caps
  --locale <tag>       render in this locale instead of the person's
  --source <name>      who sends (default "cli")
  --step <name>        the step of the source; with --source and the person it makes the
                       message id, so running the same command again sends nothing new.
                       Without --step every run gets a fresh step and sends again.
  --preview            render and print only: nothing is stored or sent
  --yes, -y            send without asking (needed when stdin is not a terminal)
  --json               print the previews and the outcome as JSON

Sending drains the outbox: messages already due (retries, released holds) go out too.

Exit codes: 0 sent (or queued, held, suppressed, dropped: see the status), 1 fatal error or the
message failed on every channel, 2 bad usage, a bad channels config or a template that cannot
be rendered for the person (nothing stored).
`;

/** Help text of `cx outbox`. */
export const OUTBOX_USAGE = `Usage: cx outbox [<command>] --db <file> [options]

Inspects and operates the message outbox of a workspace.

Commands:
  (none), stats       counts: scheduled, due, claimed, dead, and the oldest due time
  dead                dead letters (messages that failed on every channel), with the reason
  retry <messageId>   sends a failed message again from the start of its chain (on the next run)
  show <messageId>    a message: status, route, contents and history with rules and reasons
  run                 delivers one batch of due messages; --until-empty until nothing is due
                      (run it from cron when no cx serve runs the dispatcher)

Options:
  --db <file>         the SQLite store (or --storage sqlite:<file> | postgres://user@host/db)
  --workspace <id>    the workspace (default "default")
  --channels <file>   the channels config (default ./cx.channels.json when it exists);
                      run needs it, the other commands only read the store
  --limit <n>         dead: how many to list (default 20)
  --cursor <c>        dead: continue a listing where the previous page ended
  --batch-size <n>    run: messages claimed per batch (default 20)
  --until-empty       run: repeat batches until nothing is due
  --json              print the result as JSON

Exit codes: 0 done, 1 fatal error, 2 bad usage or a bad channels config.
`;
