/**
 * A small bookstore site in the spirit of books.toscrape.com, for the page-load demos:
 * an index, 50 numbered catalogue pages of 20 books (titles, links, prices, ratings)
 * and one page per book. Deterministic: the same URL always shows the same books.
 *
 *   /books/                            page 1 (links to catalogue/page-2.html …)
 *   /books/catalogue/page-N.html       N = 1…50
 *   /books/catalogue/book-ID.html      ID = 1…1000
 *
 * Every page takes `?delay=SECONDS` (capped at 10) to stand in for a slow real site, and
 * `?limit=N&window=S` to stand in for a site that bans scrapers: past N pages per S seconds
 * from one client it answers 403 您的IP访问频率过高 with `Retry-After`, as /limited does.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { HttpError } from "./errors.js";
import { parseNumber } from "./params.js";
import { checkRateLimit, sendRefusal, type RateLimiter } from "./rate-limit.js";

/** Books per catalogue page, as on books.toscrape.com. */
export const BOOKS_PER_PAGE = 20;
/** Number of catalogue pages. */
export const BOOK_PAGES = 50;

/** One book of the catalogue. */
export interface Book {
  readonly id: number;
  readonly title: string;
  /** Price in pounds, two decimals. */
  readonly price: number;
  /** Star rating from 1 to 5. */
  readonly rating: number;
  readonly inStock: number;
}

const FIRST = ["A Light in", "Tipping", "Soumission", "Sharp", "Sapiens", "The Requiem", "The Dirty", "The Coming",
  "The Boys in", "The Black", "Starving", "Shakespeare's", "Set Me", "Scott Pilgrim's", "Rip it", "Our Band",
  "Olio", "Mesaerion", "Libertarianism", "It's Only", "In Her", "How Music", "Foolproof", "Chase Me", "Black Dust"];
const SECOND = ["the Attic", "the Velvet", "Objects", "a Brief History", "Red", "Secrets", "of Woman", "the Boat",
  "Maria", "Hearts", "Free", "Precious Little Life", "Up", "Could Be Your Life", "the Himalayas", "for Beginners",
  "the Wind", "Works", "Preserving", "Paris", "Dust", "the Long Night", "of Glass", "the River", "Tomorrow"];
const RATINGS = ["Zero", "One", "Two", "Three", "Four", "Five"] as const;

/** The book with `id` (1…1000), computed from the id alone so no table is stored. */
export function bookById(id: number): Book {
  // A small integer hash: cheap, deterministic, and spread well enough for fake data.
  let h = Math.imul(id ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  const first = FIRST[h % FIRST.length] ?? "Untitled";
  const second = SECOND[(h >>> 8) % SECOND.length] ?? "Book";
  return {
    id,
    title: `${first} ${second}`,
    price: 10 + ((h >>> 4) % 5000) / 100,
    rating: 1 + ((h >>> 16) % 5),
    inStock: 1 + ((h >>> 20) % 22),
  };
}

/** The books on catalogue page `page` (1-based). */
export function booksOnPage(page: number): Book[] {
  return Array.from({ length: BOOKS_PER_PAGE }, (_, i) => bookById((page - 1) * BOOKS_PER_PAGE + i + 1));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en-us">
<head><meta charset="utf-8"><title>${escapeHtml(title)} | Books to Scrape (local)</title></head>
<body>
<header><a href="/books/">Books to Scrape</a> <small>a local copy for the course</small></header>
${body}
</body>
</html>
`;
}

/** Render catalogue page `page`; `prefix` is the relative path from the page to catalogue/. */
export function renderCataloguePage(page: number, prefix: string): string {
  const items = booksOnPage(page)
    .map(
      (b) => `  <li><article class="product_pod">
    <p class="star-rating ${RATINGS[b.rating] ?? "One"}"></p>
    <h3><a href="${prefix}book-${b.id}.html" title="${escapeHtml(b.title)}">${escapeHtml(b.title)}</a></h3>
    <div class="product_price"><p class="price_color">£${b.price.toFixed(2)}</p><p class="instock availability">In stock</p></div>
  </article></li>`,
    )
    .join("\n");
  const previous = page > 1 ? `<li class="previous"><a href="${prefix}page-${page - 1}.html">previous</a></li>` : "";
  const next = page < BOOK_PAGES ? `<li class="next"><a href="${prefix}page-${page + 1}.html">next</a></li>` : "";
  const total = BOOK_PAGES * BOOKS_PER_PAGE;
  return layout(
    page === 1 ? "All products" : `All products | Page ${page}`,
    `<h1>All products</h1>
<form><strong>${total}</strong> results - showing <strong>${(page - 1) * BOOKS_PER_PAGE + 1}</strong> to <strong>${page * BOOKS_PER_PAGE}</strong>.</form>
<ol class="row">
${items}
</ol>
<ul class="pager">${previous}<li class="current">Page ${page} of ${BOOK_PAGES}</li>${next}</ul>`,
  );
}

/** Render the page of one book. */
export function renderBookPage(book: Book): string {
  return layout(
    book.title,
    `<article class="product_page">
<h1>${escapeHtml(book.title)}</h1>
<p class="price_color">£${book.price.toFixed(2)}</p>
<p class="instock availability">In stock (${book.inStock} available)</p>
<p class="star-rating ${RATINGS[book.rating] ?? "One"}"></p>
<table class="table table-striped"><tr><th>UPC</th><td>${(book.id * 2654435761).toString(16).padStart(16, "0").slice(-16)}</td></tr></table>
</article>`,
  );
}

type PageQuery = { Querystring: Record<string, string | undefined> };

async function sendPage(request: FastifyRequest<PageQuery>, reply: FastifyReply, limiter: RateLimiter, html: string): Promise<FastifyReply> {
  const q = request.query;
  const seconds = parseNumber(q.delay, { name: "delay", min: 0, max: 10, clamp: true, fallback: 0, unit: "seconds" });
  if (q.limit !== undefined || q.window !== undefined) {
    const check = checkRateLimit(limiter, request, q, "books");
    if (!check.verdict.allowed) return sendRefusal(reply, check);
  }
  if (seconds > 0) await sleep(seconds * 1000);
  return reply.type("text/html; charset=utf-8").send(html);
}

/** Register the bookstore routes under /books/; a page asked with `?limit=` counts against `limiter`. */
export function registerBookstoreRoutes(app: FastifyInstance, limiter: RateLimiter): void {
  app.get("/books", (_request, reply) => reply.redirect("/books/", 301));
  for (const url of ["/books/", "/books/index.html"]) {
    app.get<PageQuery>(url, (request, reply) => sendPage(request, reply, limiter, renderCataloguePage(1, "catalogue/")));
  }
  app.get<PageQuery & { Params: { file: string } }>("/books/catalogue/:file", (request, reply) => {
    const { file } = request.params;
    const page = /^page-(\w+)\.html$/.exec(file);
    if (page) {
      const n = parseNumber(page[1], { name: "page", min: 1, max: Number.MAX_SAFE_INTEGER, integer: true });
      // Past the last page is "not found", as on the real site: a crawler stops there.
      if (n > BOOK_PAGES) throw new HttpError(404, `Expected a page from 1 to ${BOOK_PAGES}, got ${n}`);
      return sendPage(request, reply, limiter, renderCataloguePage(n, ""));
    }
    const book = /^book-(\w+)\.html$/.exec(file);
    if (book) {
      const id = parseNumber(book[1], { name: "book id", min: 1, max: Number.MAX_SAFE_INTEGER, integer: true });
      if (id > BOOK_PAGES * BOOKS_PER_PAGE) throw new HttpError(404, `Expected a book id from 1 to ${BOOK_PAGES * BOOKS_PER_PAGE}, got ${id}`);
      return sendPage(request, reply, limiter, renderBookPage(bookById(id)));
    }
    throw new HttpError(404, `Expected a catalogue file named page-N.html (N from 1 to ${BOOK_PAGES}) or book-ID.html, got ${JSON.stringify(file)}`);
  });
}
