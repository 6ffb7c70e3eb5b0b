/**
 * Request bodies, parsed the way httpbin reports them: `data` (the raw text), `json`,
 * `form` and `files`. Fastify's own JSON parser is replaced because httpbin echoes the
 * raw text *and* the parsed value, and because a malformed body must get a 400 that says
 * what was expected. Multipart parsing (the hard part) is left to @fastify/multipart.
 */
import multipart from "@fastify/multipart";
import type { Multipart } from "@fastify/multipart";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { badRequest, quote } from "./errors.js";

/** Form fields as httpbin shows them: one value as a string, a repeated field as a list. */
export type FormFields = Record<string, string | string[]>;

/** What a content-type parser leaves in `request.body` (multipart aside). */
export type ParsedBody =
  | { readonly kind: "json"; readonly data: string; readonly json: unknown }
  | { readonly kind: "form"; readonly form: FormFields }
  | { readonly kind: "raw"; readonly data: string };

/** The body fields of an httpbin echo, in httpbin's (alphabetical) order. */
export interface EchoBody {
  data: string;
  files: FormFields;
  form: FormFields;
  json: unknown;
}

/**
 * Install the body parsers on `app`: JSON, url-encoded forms, multipart, and anything else
 * as raw text. `bodyLimit` (bytes) applies to every kind, multipart files included.
 */
export async function registerBodyParsers(app: FastifyInstance, bodyLimit: number): Promise<void> {
  app.removeAllContentTypeParsers();

  app.addContentTypeParser(/^application\/([\w.+-]+\+)?json(;.*)?$/i, { parseAs: "string" }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === "") {
      done(null, { kind: "json", data: text, json: null } satisfies ParsedBody);
      return;
    }
    try {
      done(null, { kind: "json", data: text, json: JSON.parse(text) as unknown } satisfies ParsedBody);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      done(badRequest(`Expected a valid JSON body (Content-Type: application/json), got ${quote(text)}: ${reason}`), undefined);
    }
  });

  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
    try {
      done(null, { kind: "form", form: parseForm(String(body)) } satisfies ParsedBody);
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  // Everything else (text/plain, octet-stream, no Content-Type at all) is echoed as `data`.
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => {
    done(null, { kind: "raw", data: bufferToData(body as Buffer, _req.headers["content-type"]) } satisfies ParsedBody);
  });

  await app.register(multipart, {
    // Buffer every part into request.body: the echo routes need all of it anyway,
    // and the limits below bound the memory.
    attachFieldsToBody: true,
    limits: { fileSize: bodyLimit, fieldSize: bodyLimit, files: 20, fields: 200, parts: 220 },
  });
}

/**
 * Parse `a=1&b=2&b=3` into `{ a: "1", b: ["2", "3"] }`.
 * @throws HttpError 400 when a percent-escape is broken (URLSearchParams would silently keep it).
 */
export function parseForm(text: string): FormFields {
  const form: FormFields = {};
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? "" : pair.slice(eq + 1);
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(rawKey.replace(/\+/g, " "));
      value = decodeURIComponent(rawValue.replace(/\+/g, " "));
    } catch {
      throw badRequest(`Expected a url-encoded form body like "name=germey&age=25", got a broken escape in ${quote(pair)}`);
    }
    addField(form, key, value);
  }
  return form;
}

function addField(form: FormFields, key: string, value: string): void {
  const previous = form[key];
  if (previous === undefined) form[key] = value;
  else if (Array.isArray(previous)) previous.push(value);
  else form[key] = [previous, value];
}

/** Text stays text; binary becomes a data: URL, as httpbin does. */
function bufferToData(body: Buffer, contentType: string | undefined): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return `data:${contentType ?? "application/octet-stream"};base64,${body.toString("base64")}`;
  }
}

/** The `data`, `files`, `form` and `json` fields of an echo, from whatever the parsers left in the request. */
export async function echoBody(request: FastifyRequest): Promise<EchoBody> {
  const echo: EchoBody = { data: "", files: {}, form: {}, json: null };
  if (request.isMultipart()) {
    const parts = (request.body ?? {}) as Record<string, Multipart | Multipart[]>;
    for (const [name, entry] of Object.entries(parts)) {
      for (const part of Array.isArray(entry) ? entry : [entry]) {
        if (part.type === "file") {
          addField(echo.files, name, bufferToData(await part.toBuffer(), part.mimetype));
        } else {
          addField(echo.form, name, String(part.value));
        }
      }
    }
    return echo;
  }
  const body = request.body as ParsedBody | undefined;
  if (body === undefined || body === null) return echo;
  if (body.kind === "json") {
    echo.data = body.data;
    echo.json = body.json;
  } else if (body.kind === "form") {
    echo.form = body.form;
  } else {
    echo.data = body.data;
    // httpbin also fills `json` when raw text happens to be JSON.
    try {
      echo.json = body.data === "" ? null : (JSON.parse(body.data) as unknown);
    } catch {
      echo.json = null;
    }
  }
  return echo;
}
