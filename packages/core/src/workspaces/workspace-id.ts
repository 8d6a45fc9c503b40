import { z } from 'zod';
import { parseOrThrow } from '../errors/from-zod';

/**
 * A workspace (tenant) id: 1 to 64 letters, digits, `_`, `-` or `.`, starting with a letter or
 * digit. Every stored record belongs to exactly one workspace.
 */
export const workspaceIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'Workspace id must be 1-64 letters, digits, "_", "-" or "."');

/** Throws a `ValidationError` unless `workspaceId` is a valid workspace id. */
export function assertWorkspaceId(workspaceId: unknown): asserts workspaceId is string {
  if (typeof workspaceId === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(workspaceId)) return;
  parseOrThrow(workspaceIdSchema, workspaceId, 'workspace id');
}
