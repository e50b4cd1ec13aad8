// Minifies the JavaScript of a release build with terser: wasm-bindgen's glue
// (trunk's own minifier gives up on it and ships it as written) and embed.js.
// scripts/compress-dist.sh (trunk's post-build hook) runs it on the build
// before compressing: `node scripts/minify-dist.mjs DIR`.
//
// index.html pins the glue by Subresource Integrity, so the hash of each file
// minified here is replaced there too, or the browser would refuse it.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { minify } from "terser";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node scripts/minify-dist.mjs DIR");
  process.exit(2);
}

const integrity = (text) => "sha384-" + createHash("sha384").update(text).digest("base64");

// The glue is an ES module; embed.js is a classic script that keeps its
// `/*! … */` header, which says what it is and where its docs are.
const scripts = readdirSync(dir)
  .filter((name) => name.endsWith(".js"))
  .map((name) => ({ path: join(dir, name), module: true }));
if (existsSync(join(dir, "embed", "embed.js"))) {
  scripts.push({ path: join(dir, "embed", "embed.js"), module: false });
}

const indexPath = join(dir, "index.html");
let index = readFileSync(indexPath, "utf8");
for (const { path, module } of scripts) {
  const source = readFileSync(path, "utf8");
  const result = await minify(source, {
    module,
    compress: { passes: 2 },
    mangle: true,
    format: { comments: /^!/ },
  });
  writeFileSync(path, result.code);
  const before = integrity(source);
  if (index.includes(before)) {
    index = index.replace(before, integrity(result.code));
  }
  console.log(`minify-dist: ${path} ${source.length} -> ${result.code.length} bytes`);
}
writeFileSync(indexPath, index);
