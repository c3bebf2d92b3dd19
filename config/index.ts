/**
 * Entry point of the configuration module: reads every `platform:*` key from the running Pulumi
 * program (real engine or mock engine alike), resolves the profile and validates, before any
 * resource is registered.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { RawConfig, resolvePlatformConfig } from "./resolve";
import { PlatformConfig } from "./types";

export * from "./types";
export { KEYS, KEY_NAMES, KeySpec, KeyType } from "./keys";
export { LIMITS, RawConfig, ResolveContext, resolvePlatformConfig } from "./resolve";
export { Problem, Problems, ValidationError, formatProblem } from "./problems";

/** Reads the project's namespace of the stack config as raw strings (the way the engine stores them). */
export function readRawConfig(project: string): RawConfig {
    const prefix = `${project}:`;
    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (key.startsWith(prefix)) {
            raw[key.slice(prefix.length)] = value;
        }
    }
    return raw;
}

/**
 * Loads the validated platform configuration of the current stack.
 * @param projectDir directory that holds Pulumi.yaml; repository files (mTLS truststore) are read relative to it.
 */
export function loadPlatformConfig(projectDir: string = process.cwd()): PlatformConfig {
    const project = pulumi.getProject();
    return resolvePlatformConfig(readRawConfig(project), {
        project,
        region: new pulumi.Config("aws").get("region"),
        otherKeys: Object.keys(pulumi.runtime.allConfig()).filter((key) => !key.startsWith(`${project}:`)),
        stackFile: `Pulumi.${pulumi.getStack()}.yaml`,
        readFile: (file) => {
            const full = path.resolve(projectDir, file);
            return fs.existsSync(full) && fs.statSync(full).isFile() ? fs.readFileSync(full, "utf8") : undefined;
        },
    });
}
