/**
 * Which student a request came from, when it came through a shared server's `/u/<student>/`
 * prefix (see protocol.ts). Kept beside the raw request, not on it, so nothing is patched.
 */
import type { FastifyRequest } from "fastify";

const students = new WeakMap<object, string>();

/** Note that the raw request `raw` came from `student` (called while rewriting its URL). */
export function rememberStudent(raw: object, student: string): void {
  students.set(raw, student);
}

/** The student behind `request`, or "" when it used no `/u/<student>/` prefix. */
export function studentOf(request: FastifyRequest): string {
  return students.get(request.raw) ?? "";
}
