// @ts-check
/**
 * Entry of `npm run plan` (see plan/cli.ts for options and exit statuses).
 *
 * Plain JavaScript on purpose: it installs a transpile cache for the repository's TypeScript before
 * any TypeScript is loaded. A warm run serves every module from the cache and never loads the
 * TypeScript compiler (0.2 s of a ~1.5 s plan); a miss registers ts-node (transpile-only, the same
 * transpilation the tests use), compiles, and stores the result. Entries are keyed by file path and
 * content, TypeScript version and tsconfig.json, and written atomically, so a stale or torn entry is
 * never served. PLAN_TRANSPILE_CACHE=0 turns the cache off.
 */
"use strict";
const { createHash } = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const FORMAT = "2";

function read(file) {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        return undefined;
    }
}

/** Registers ts-node (transpile-only) and returns its loader, leaving `current` installed. */
function tsNodeLoader(current) {
    // ts-node's loader delegates to the `.ts` handler installed before it: make that the plain `.js`
    // loader, not this cache (which would recurse).
    delete require.extensions[".ts"];
    require("ts-node").register({ transpileOnly: true, project: path.join(ROOT, "tsconfig.json") });
    const loader = require.extensions[".ts"];
    require.extensions[".ts"] = current;
    return loader;
}

function installTranspileCache() {
    const cacheDir = path.join(ROOT, "node_modules", ".cache", "platform-plan");
    const typescriptVersion = JSON.parse(read(require.resolve("typescript/package.json")) ?? "{}").version ?? "";
    const salt = `${FORMAT}\0${typescriptVersion}\0${read(path.join(ROOT, "tsconfig.json")) ?? ""}\0`;
    try {
        fs.mkdirSync(cacheDir, { recursive: true });
    } catch {
        return false;
    }
    /** @type {((m: NodeJS.Module, filename: string) => void) | undefined} */
    let compileWithTsNode;
    const own = (filename) => filename.startsWith(`${ROOT}${path.sep}`) && !filename.includes(`${path.sep}node_modules${path.sep}`);

    const hook = (m, filename) => {
        const source = own(filename) ? read(filename) : undefined;
        const entry =
            source === undefined
                ? undefined
                : path.join(
                      cacheDir,
                      `${path.relative(ROOT, filename).replace(/[\\/]/g, "__")}.${createHash("sha256").update(salt).update(filename).update("\0").update(source).digest("hex").slice(0, 20)}.js`,
                  );
        const cached = entry === undefined ? undefined : read(entry);
        if (cached !== undefined) {
            return m._compile(cached, filename);
        }
        compileWithTsNode ??= tsNodeLoader(hook);
        if (entry !== undefined) {
            const compile = m._compile;
            m._compile = function (code, file) {
                if (file === filename) {
                    const temp = `${entry}.${process.pid}.tmp`;
                    try {
                        fs.writeFileSync(temp, code);
                        fs.renameSync(temp, entry);
                        // One entry per file: drop the ones for its older contents.
                        const stem = path.basename(entry).replace(/\.[0-9a-f]{20}\.js$/, ".");
                        for (const old of fs.readdirSync(cacheDir)) {
                            if (old.startsWith(stem) && old !== path.basename(entry) && !old.endsWith(".tmp")) {
                                fs.rmSync(path.join(cacheDir, old), { force: true });
                            }
                        }
                    } catch {
                        fs.rmSync(temp, { force: true });
                    }
                }
                return compile.call(this, code, file);
            };
        }
        return compileWithTsNode(m, filename);
    };
    require.extensions[".ts"] = hook;
    return true;
}

/**
 * V8 code cache for every module the plan loads (the SDK, the provider, the policy pack, ours):
 * compiling JavaScript is about a quarter of a plan's wall time, and the code is the same on every
 * run. v8-compile-cache keeps V8's cached data keyed by file and content, next to the transpile
 * cache (so npm ci starts both afresh); V8 rejects data from another V8 version and recompiles.
 * PLAN_COMPILE_CACHE=0 turns it off.
 */
function installCompileCache() {
    process.env.V8_COMPILE_CACHE_CACHE_DIR ??= path.join(ROOT, "node_modules", ".cache", "platform-plan", `v8-${process.versions.v8}`);
    require("v8-compile-cache");
}

if (process.env.PLAN_COMPILE_CACHE !== "0") {
    installCompileCache();
}
if (process.env.PLAN_TRANSPILE_CACHE === "0" || !installTranspileCache()) {
    require("ts-node").register({ transpileOnly: true, project: path.join(ROOT, "tsconfig.json") });
}
require("../plan/cli").run(process.argv.slice(2));
