// Drops the rules of stylesheets that select nothing in the built site (called by
// _ext/lean.py when the build finishes): a rule stays when every class, id, tag and attribute
// it names appears in some page or in a script the pages load (scripts add classes such as
// "show" and set data-theme="dark"). PurgeCSS, from npm.
// Reads {"content": [page or script, ...], "css": [stylesheet, ...]} as JSON on stdin and
// rewrites each stylesheet in place.
const fs = require("fs");
const path = require("path");
const { PurgeCSS } = require(path.resolve("node_modules/purgecss"));

const { content, css } = JSON.parse(fs.readFileSync(0, "utf-8"));
new PurgeCSS()
  .purge({
    content,
    css,
    keyframes: true, // animations that no rule kept uses
    fontFace: false, // fonts load only when used anyway; _ext/lean.py cuts the icon fonts
    variables: false, // custom properties can be read by scripts
    dynamicAttributes: ["style"], // [style*="color: ..."] rules match outputs' inline styles
  })
  .then((results) => {
    for (const result of results) fs.writeFileSync(result.file, result.css);
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
