/**
 * The benchmark's generated stacks (scripts/bench-plan.ts: prod with 5 and with 50 services) stay
 * valid configurations, so `npm run bench:plan` measures plans, not a validation error.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { resolvePlatformConfig } from "../config";
import { loadStackConfig } from "../engine/stack-config";
import { scaleProject } from "../scripts/bench-plan";

describe("bench:plan: generated stacks", () => {
    const dir = scaleProject();
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    for (const count of [5, 50]) {
        it(`scale${count}: ${count} services, prod's settings otherwise, resolve without a problem`, () => {
            const loaded = loadStackConfig(dir, `scale${count}`);
            const raw = Object.fromEntries(
                Object.entries(loaded.config)
                    .filter(([k]) => k.startsWith("platform:"))
                    .map(([k, v]) => [k.slice("platform:".length), v]),
            );
            const config = resolvePlatformConfig(raw, { project: loaded.project, region: loaded.region, readFile: (f) => fs.readFileSync(path.join(dir, f), "utf8") });
            assert.strictEqual(config.services.length, count);
            assert.strictEqual(config.environment, "prod");
        });
    }
});
