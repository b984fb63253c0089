// Starts Miniflare with worker.js on a free port of 127.0.0.1 and prints
// the base URL of the KV REST API it serves as its first line of output.
// It stops when its standard input closes (its parent exited) or on SIGTERM.
//
// Environment: TURBOCACHE_MINIFLARE (the directory holding
// node_modules/miniflare), KV_ACCOUNT, KV_NAMESPACE, KV_TOKEN.
import { createRequire } from "node:module";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const dir = process.env.TURBOCACHE_MINIFLARE;
if (!dir) {
  console.error("serve.mjs: TURBOCACHE_MINIFLARE is not set");
  process.exit(2);
}
const require = createRequire(join(dir, "package.json"));
const { Miniflare } = await import(pathToFileURL(require.resolve("miniflare")).href);

const here = dirname(fileURLToPath(import.meta.url));
const mf = new Miniflare({
  modules: true,
  scriptPath: join(here, "worker.js"),
  modulesRoot: here,
  compatibilityDate: "2026-04-01",
  kvNamespaces: ["KV"],
  bindings: {
    ACCOUNT: process.env.KV_ACCOUNT ?? "account",
    NAMESPACE: process.env.KV_NAMESPACE ?? "namespace",
    TOKEN: process.env.KV_TOKEN ?? "token",
  },
  host: "127.0.0.1",
  port: 0,
});
const url = await mf.ready;
process.stdout.write(new URL("/client/v4", url).href + "\n");

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await mf.dispose().catch(() => {});
  process.exit(0);
}
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
