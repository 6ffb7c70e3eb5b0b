/**
 * The fixed documents httpbin serves: /html, /json, /robots.txt, /deny and the 418 teapot.
 * Kept apart so the route modules stay short.
 */

/** httpbin's /json document, byte for byte in shape. */
export const SLIDESHOW = {
  slideshow: {
    author: "Yours Truly",
    date: "date of publication",
    slides: [
      { title: "Wake up to WonderWidgets!", type: "all" },
      { items: ["Why <em>WonderWidgets</em> are great", "Who <em>buys</em> WonderWidgets"], title: "Overview", type: "all" },
    ],
    title: "Sample Slide Show",
  },
} as const;

/** httpbin's /html page: the opening of Moby-Dick (public domain). */
export const MOBY_DICK_HTML = `<!DOCTYPE html>
<html>
  <head>
  </head>
  <body>
      <h1>Herman Melville - Moby-Dick</h1>

      <div>
        <p>
          Call me Ishmael. Some years ago—never mind how long precisely—having little or no money in my purse,
          and nothing particular to interest me on shore, I thought I would sail about a little and see the watery
          part of the world. It is a way I have of driving off the spleen and regulating the circulation. Whenever I
          find myself growing grim about the mouth; whenever it is a damp, drizzly November in my soul; whenever I
          find myself involuntarily pausing before coffin warehouses, and bringing up the rear of every funeral I
          meet; and especially whenever my hypos get such an upper hand of me, that it requires a strong moral
          principle to prevent me from deliberately stepping into the street, and methodically knocking people's
          hats off—then, I account it high time to get to sea as soon as I can.
        </p>
      </div>
  </body>
</html>
`;

/** httpbin's /robots.txt. */
export const ROBOTS_TXT = "User-agent: *\nDisallow: /deny\n";

/** httpbin's /deny page, the one robots.txt forbids. */
export const DENY_TXT = `
          .-''''''-.
        .' _      _ '.
       /   O      O   \\
      :                :
      |                |
      :       __       :
       \\  .-"\`  \`"-.  /
        '.          .'
          '-......-'
     YOU SHOULDN'T BE HERE
`;

/** The body of /status/418. */
export const TEAPOT = `
    -=[ teapot ]=-

       _...._
     .'  _ _ \`.
    | ."\` ^ \`". _,
    \\_;\`"---"\`|//
      |       ;/
      \\_     _/
        \`"""\`
`;
