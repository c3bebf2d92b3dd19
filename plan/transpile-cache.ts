/**
 * A persistent cache of ts-node's transpiled output for the repository's own TypeScript files.
 *
 * Why: `npm run plan` runs under `ts-node --transpile-only`, which hands every .ts file to the
 * TypeScript compiler on every run. For the program, its components, the config module, the mock
 * engine and the policy pack that is ~1 s of compiler time per plan, more than running the program
 * itself (measured by scripts/bench-plan.ts). The output only depends on the source text, the
 * TypeScript version and the compiler options, so it is cached under
 * node_modules/.cache/platform-plan/, keyed by a hash of the three and the file's path; a changed
 * file simply misses and is transpiled again. Only transpile-only output is cached.
 *
 * How: ts-node registers a `.ts` loader that wraps `module._compile` to transpile the source
 * before Node compiles it. This loader runs before ts-node's: on a hit it hands the cached
 * JavaScript straight to `module._compile`; on a miss it lets ts-node transpile, captures the
 * result on its way to `module._compile` and stores it. The cached code keeps ts-node's inline
 * source map, and is served to the source-map support ts-node installed, so stack traces still
 * point at TypeScript lines.
 *
 * Each source file keeps one cache entry (older versions are removed when a new one is written).
 * Set PLAN_TRANSPILE_CACHE=0 to turn the cache off (the benchmark measures both ways). Any I/O
 * problem turns caching off for that file and never fails the plan.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** Bump when the cached format or the way it is produced changes. */
const FORMAT = "1";

export interface TranspileCacheStats {
    hits: number;
    misses: number;
    readonly dir: string;
}

interface CompilableModule extends NodeJS.Module {
    _compile(code: string, filename: string): unknown;
}

/** `module._compile` is Node's (undocumented but stable since Node 0.x) way to run module source. */
function isCompilable(m: NodeJS.Module): m is CompilableModule {
    return typeof Reflect.get(m, "_compile") === "function";
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

function read(file: string): string | undefined {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        return undefined;
    }
}

/** Registers `handler` with the source-map support ts-node installed (same shared state). */
function serveSourceMaps(handler: (file: string) => string | null): void {
    try {
        const tsNodeDir = path.dirname(require.resolve("ts-node"));
        const sourceMapSupport: { install(options: { retrieveFile: (file: string) => string | null }): void } = require(
            require.resolve("@cspotcode/source-map-support", { paths: [tsNodeDir] }),
        );
        sourceMapSupport.install({ retrieveFile: handler });
    } catch {
        // Without it, stack traces of cached modules show JavaScript positions; nothing else changes.
    }
}

/**
 * Installs the cache in front of ts-node's `.ts` loader for files under `root` (outside
 * node_modules). Returns hit/miss counters, or undefined when there is nothing to cache (not
 * running under ts-node, cache turned off or not writable).
 */
export function installTranspileCache(root: string, cacheDir: string = path.join(root, "node_modules", ".cache", "platform-plan")): TranspileCacheStats | undefined {
    const tsNodeLoader = require.extensions[".ts"];
    // The ts-node service registered for this process: only its transpile-only output is cached
    // (under type checking, a cache hit would skip the check).
    const service: unknown = Reflect.get(process, Symbol.for("ts-node.register.instance"));
    if (process.env.PLAN_TRANSPILE_CACHE === "0" || tsNodeLoader === undefined || !isRecord(service) || !isRecord(service.options) || service.options.transpileOnly !== true) {
        return undefined;
    }
    const typescriptVersion = isRecord(service.ts) ? String(service.ts.version) : "";
    // The compiler options ts-node settled on (tsconfig.json plus its own overrides).
    const compilerOptions = isRecord(service.config) ? JSON.stringify(service.config.options) : (read(path.join(root, "tsconfig.json")) ?? "");
    try {
        fs.mkdirSync(cacheDir, { recursive: true });
    } catch {
        return undefined;
    }
    const salt = `${FORMAT}\0${typescriptVersion}\0${compilerOptions}\0`;
    const stats: TranspileCacheStats = { hits: 0, misses: 0, dir: cacheDir };
    const served = new Map<string, string>();
    serveSourceMaps((file) => served.get(path.resolve(file)) ?? null);
    const ownFile = (filename: string) => filename.startsWith(`${root}${path.sep}`) && !filename.includes(`${path.sep}node_modules${path.sep}`);

    require.extensions[".ts"] = (m: NodeJS.Module, filename: string) => {
        const source = ownFile(filename) && isCompilable(m) ? read(filename) : undefined;
        if (source === undefined || !isCompilable(m)) {
            return tsNodeLoader(m, filename);
        }
        const stem = path.relative(root, filename).replace(/[\\/]/g, "__");
        const entry = path.join(cacheDir, `${stem}.${createHash("sha256").update(salt).update(filename).update("\0").update(source).digest("hex").slice(0, 20)}.js`);
        const cached = read(entry);
        if (cached !== undefined) {
            stats.hits++;
            served.set(filename, cached);
            return m._compile(cached, filename);
        }
        stats.misses++;
        const compile = m._compile;
        // ts-node wraps whatever `_compile` it finds and calls it with the transpiled code.
        m._compile = function (this: CompilableModule, code: string, file: string) {
            if (file === filename) {
                store(entry, stem, code);
            }
            return compile.call(this, code, file);
        };
        return tsNodeLoader(m, filename);
    };
    return stats;

    function store(entry: string, stem: string, code: string): void {
        try {
            // Atomic: concurrent plans (the test suite runs three) never read a partial entry.
            const temp = `${entry}.${process.pid}.tmp`;
            fs.writeFileSync(temp, code);
            fs.renameSync(temp, entry);
            for (const other of fs.readdirSync(cacheDir)) {
                if (other.startsWith(`${stem}.`) && other.endsWith(".js") && path.join(cacheDir, other) !== entry && /^[0-9a-f]{20}\.js$/.test(other.slice(stem.length + 1))) {
                    fs.rmSync(path.join(cacheDir, other), { force: true });
                }
            }
        } catch {
            // A read-only or full disk only costs the next run the transpile time.
        }
    }
}
