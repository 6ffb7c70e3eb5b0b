import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FormData } from "undici";
import type { Agent } from "undici";
import { chooseStatus } from "../../src/server/httpbin.js";
import type { RunningServer } from "../../src/server/run.js";
import { assertObject, keysOf, send, useTestServer } from "./server-helpers.js";

let server: RunningServer;
let agent: Agent;

useTestServer((s, a) => {
  server = s;
  agent = a;
});

const BODY_KEYS = ["args", "data", "files", "form", "headers", "json", "origin", "url"];

describe("httpbin echo routes", () => {
  test("GET /get echoes args, headers, origin and url, as httpbin does", async () => {
    const res = await send(agent, `${server.url}/get?a=1&a=2&b=x`, { headers: { "user-agent": "lab-test", "x-custom-thing": "yes" } });
    assert.equal(res.status, 200);
    assert.match(String(res.headers["content-type"]), /^application\/json/);
    const body = res.json();
    assertObject(body);
    assert.deepEqual(keysOf(body), ["args", "headers", "origin", "url"]);
    assert.deepEqual(body.args, { a: ["1", "2"], b: "x" });
    assertObject(body.headers);
    assert.equal(body.headers["User-Agent"], "lab-test");
    assert.equal(body.headers["X-Custom-Thing"], "yes");
    assert.equal(body.headers.Host, new URL(server.url).host);
    assert.equal(body.origin, "127.0.0.1");
    assert.equal(body.url, `${server.url}/get?a=1&a=2&b=x`);
  });

  test("the JSON is pretty-printed like httpbin's, ending in a newline", async () => {
    const res = await send(agent, `${server.url}/get`);
    assert.match(res.text, /^\{\n {2}"args": \{\},\n/);
    assert.ok(res.text.endsWith("}\n"));
  });

  test("POST /post parses a url-encoded form into form, leaving data empty (the book's example)", async () => {
    const res = await send(agent, `${server.url}/post`, {
      method: "POST",
      body: "name=germey&age=25",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(res.status, 200);
    const body = res.json();
    assertObject(body);
    assert.deepEqual(keysOf(body), BODY_KEYS);
    assert.deepEqual(body.form, { name: "germey", age: "25" });
    assert.equal(body.data, "");
    assert.equal(body.json, null);
    assert.deepEqual(body.files, {});
  });

  test("POST /post parses a JSON body into json and keeps the raw text in data", async () => {
    const res = await send(agent, `${server.url}/post`, {
      method: "POST",
      body: '{"x": [1, 2]}',
      headers: { "content-type": "application/json" },
    });
    const body = res.json();
    assertObject(body);
    assert.deepEqual(body.json, { x: [1, 2] });
    assert.equal(body.data, '{"x": [1, 2]}');
    assert.deepEqual(body.form, {});
  });

  test("POST /post parses multipart fields into form and uploads into files", async () => {
    const form = new FormData();
    form.append("name", "germey");
    form.append("upload", new Blob(["hello file"], { type: "text/plain" }), "hello.txt");
    const res = await send(agent, `${server.url}/post`, { method: "POST", body: form });
    assert.equal(res.status, 200);
    const body = res.json();
    assertObject(body);
    assert.deepEqual(body.form, { name: "germey" });
    assert.deepEqual(body.files, { upload: "hello file" });
  });

  test("a plain-text body is echoed as data", async () => {
    const res = await send(agent, `${server.url}/put`, { method: "PUT", body: "just text", headers: { "content-type": "text/plain" } });
    const body = res.json();
    assertObject(body);
    assert.equal(body.data, "just text");
  });

  test("PUT, PATCH and DELETE answer at their own paths with the body fields", async () => {
    for (const method of ["PUT", "PATCH", "DELETE"] as const) {
      const res = await send(agent, `${server.url}/${method.toLowerCase()}`, { method });
      assert.equal(res.status, 200, method);
      assert.deepEqual(keysOf(res.json()), BODY_KEYS, method);
    }
  });

  test("the wrong method on /post is refused with 404, not served", async () => {
    const res = await send(agent, `${server.url}/post`);
    assert.equal(res.status, 404);
  });

  test("/anything echoes any method and any sub-path, with method", async () => {
    const res = await send(agent, `${server.url}/anything/some/where?q=1`, { method: "PATCH", body: "x=1", headers: { "content-type": "application/x-www-form-urlencoded" } });
    const body = res.json();
    assertObject(body);
    assert.deepEqual(keysOf(body), ["args", "data", "files", "form", "headers", "json", "method", "origin", "url"]);
    assert.equal(body.method, "PATCH");
    assert.deepEqual(body.form, { x: "1" });
    assert.match(String(body.url), /\/anything\/some\/where\?q=1$/);
  });
});

describe("httpbin utility routes", () => {
  test("/delay/:n answers with httpbin's delay fields after the delay", async () => {
    const started = performance.now();
    const res = await send(agent, `${server.url}/delay/0.2`);
    assert.equal(res.status, 200);
    assert.ok(performance.now() - started >= 190, "answered before the delay");
    assert.deepEqual(keysOf(res.json()), ["args", "data", "files", "form", "headers", "origin", "url"]);
  });

  test("/status/:code answers with that code", async () => {
    for (const code of [200, 201, 404, 500, 503]) {
      assert.equal((await send(agent, `${server.url}/status/${code}`)).status, code);
    }
  });

  test("/status with a weighted list never picks a zero-weight code", async () => {
    for (let i = 0; i < 10; i++) {
      assert.equal((await send(agent, `${server.url}/status/200:0,404:1`)).status, 404);
    }
  });

  test("a weighted status list picks codes in proportion to their weights", () => {
    // Weights 1 and 3 split [0, 1) into [0, 0.25) → 200 and [0.25, 1) → 500.
    assert.equal(chooseStatus("200:1,500:3", () => 0.1), 200);
    assert.equal(chooseStatus("200:1,500:3", () => 0.3), 500);
    assert.equal(chooseStatus("200:1,500:3", () => 0.99), 500);
    assert.equal(chooseStatus("204"), 204);
  });

  test("/status/418 is a teapot and /status/302 redirects to /redirect/1, as on httpbin", async () => {
    const teapot = await send(agent, `${server.url}/status/418`);
    assert.equal(teapot.status, 418);
    assert.match(teapot.text, /teapot/);
    const moved = await send(agent, `${server.url}/status/302`);
    assert.equal(moved.status, 302);
    assert.equal(moved.headers.location, "/redirect/1");
    const last = await send(agent, `${server.url}/redirect/1`);
    assert.equal(last.headers.location, "/get");
  });

  test("/headers, /ip, /user-agent and /uuid have httpbin's one-key shapes", async () => {
    const headers = (await send(agent, `${server.url}/headers`, { headers: { "user-agent": "ua-1" } })).json();
    assertObject(headers);
    assert.deepEqual(keysOf(headers), ["headers"]);
    assert.deepEqual((await send(agent, `${server.url}/ip`)).json(), { origin: "127.0.0.1" });
    assert.deepEqual((await send(agent, `${server.url}/user-agent`, { headers: { "user-agent": "ua-2" } })).json(), { "user-agent": "ua-2" });
    const uuid = (await send(agent, `${server.url}/uuid`)).json();
    assertObject(uuid);
    assert.match(String(uuid.uuid), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test("/bytes/:n sends n bytes, the same bytes for the same seed", async () => {
    const res = await send(agent, `${server.url}/bytes/64`);
    assert.equal(res.headers["content-type"], "application/octet-stream");
    assert.equal(res.bytes.length, 64);
    const a = await send(agent, `${server.url}/bytes/32?seed=7`);
    const b = await send(agent, `${server.url}/bytes/32?seed=7`);
    assert.deepEqual(a.bytes, b.bytes);
  });

  test("/bytes caps n at 100 KiB like httpbin", async () => {
    assert.equal((await send(agent, `${server.url}/bytes/999999`)).bytes.length, 100 * 1024);
  });

  test("/stream/:n sends n JSON lines with ids 0…n-1", async () => {
    const res = await send(agent, `${server.url}/stream/3`);
    const lines = res.text.trim().split("\n").map((line) => JSON.parse(line) as { id: number; url: string });
    assert.deepEqual(lines.map((l) => l.id), [0, 1, 2]);
    assert.deepEqual(keysOf(lines[0]), ["url", "args", "headers", "origin", "id"]);
  });

  test("/drip sends numbytes asterisks with the asked status", async () => {
    const res = await send(agent, `${server.url}/drip?duration=0.2&numbytes=5&code=201`);
    assert.equal(res.status, 201);
    assert.equal(res.text, "*****");
    assert.equal(res.headers["content-length"], "5");
  });

  test("/html, /json and /robots.txt serve httpbin's documents", async () => {
    const html = await send(agent, `${server.url}/html`);
    assert.match(String(html.headers["content-type"]), /^text\/html/);
    assert.match(html.text, /Herman Melville - Moby-Dick/);
    const json = (await send(agent, `${server.url}/json`)).json();
    assertObject(json);
    assertObject(json.slideshow);
    assert.equal(json.slideshow.title, "Sample Slide Show");
    assert.equal((await send(agent, `${server.url}/robots.txt`)).text, "User-agent: *\nDisallow: /deny\n");
  });

  test("HTTP/1.1 responses announce a keep-alive of 120 s, longer than any notebook pause", async () => {
    const res = await send(agent, `${server.url}/get`);
    assert.equal(res.headers["keep-alive"], "timeout=120");
  });
});

describe("the bookstore", () => {
  test("the index lists 20 books with titles, links and prices, and links to page 2", async () => {
    const res = await send(agent, `${server.url}/books/`);
    assert.equal(res.status, 200);
    assert.equal(res.text.match(/class="product_pod"/g)?.length, 20);
    assert.equal(res.text.match(/class="price_color">£\d+\.\d\d</g)?.length, 20);
    assert.match(res.text, /href="catalogue\/book-1\.html" title="[^"]+"/);
    assert.match(res.text, /<li class="next"><a href="catalogue\/page-2\.html">next<\/a>/);
  });

  test("catalogue pages are numbered 1 to 50 and the last has no next link", async () => {
    const page2 = await send(agent, `${server.url}/books/catalogue/page-2.html`);
    assert.match(page2.text, /href="book-21\.html"/);
    const last = await send(agent, `${server.url}/books/catalogue/page-50.html`);
    assert.equal(last.status, 200);
    assert.doesNotMatch(last.text, /class="next"/);
    assert.equal((await send(agent, `${server.url}/books/catalogue/page-51.html`)).status, 404);
  });

  test("a book page shows the same title and price as its listing", async () => {
    const listing = (await send(agent, `${server.url}/books/`)).text;
    const match = /href="catalogue\/book-3\.html" title="([^"]+)">[\s\S]*?£(\d+\.\d\d)/.exec(listing);
    assert.ok(match, "book 3 is listed");
    const page = (await send(agent, `${server.url}/books/catalogue/book-3.html`)).text;
    assert.ok(page.includes(`<h1>${match[1]}</h1>`));
    assert.ok(page.includes(`£${match[2]}`));
  });

  test("?delay slows a bookstore page down", async () => {
    const started = performance.now();
    await send(agent, `${server.url}/books/?delay=0.2`);
    assert.ok(performance.now() - started >= 190);
  });

  test("?limit&window bans a fast client: 403 with the chapter's message and Retry-After, every page counted together", async () => {
    const q = `limit=3&window=1&key=books-${Date.now()}`;
    const urls = ["/books/", "/books/catalogue/page-2.html", "/books/catalogue/book-7.html", "/books/catalogue/book-8.html"];
    const replies = [];
    for (const url of urls) replies.push(await send(agent, `${server.url}${url}?${q}`));
    assert.deepEqual(replies.map((r) => r.status), [200, 200, 200, 403]);
    assert.match(replies[2]?.text ?? "", /<h1>/);
    const refused = replies[3];
    assert.equal(refused?.headers["retry-after"], "1");
    const body = refused?.json();
    assertObject(body);
    assert.equal(body.error, "您的IP访问频率过高");
    assert.equal((await send(agent, `${server.url}/books/`)).status, 200, "without ?limit the same client is never refused");
  });
});
