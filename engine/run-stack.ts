/**
 * Runs the real program (config module + program.ts, exactly what index.ts runs) for one stack on
 * the mock engine, with that stack's real configuration.
 */
import * as path from "path";
import { PlatformConfig, loadPlatformConfig } from "../config";
import { PlatformOutputs, createPlatform } from "../program";
import { RecordedResource } from "./mocks";
import { RunResult, runOnMocks } from "./run";
import { loadStackConfig } from "./stack-config";

export const PROJECT_DIR = path.resolve(__dirname, "..");

export interface RunStackOptions {
    readonly projectDir?: string;
    /** Extra or replacement config (full keys), e.g. for tests of invalid configs. */
    readonly overrides?: Readonly<Record<string, string>>;
    readonly onResource?: (resource: RecordedResource) => void;
}

export interface StackRunResult extends RunResult<PlatformOutputs> {
    /** The validated configuration the program ran with. */
    readonly config: PlatformConfig;
}

export async function runStack(stack: string, options: RunStackOptions = {}): Promise<StackRunResult> {
    const projectDir = options.projectDir ?? PROJECT_DIR;
    const stackConfig = loadStackConfig(projectDir, stack);
    let config: PlatformConfig | undefined;
    const result = await runOnMocks(
        () => {
            config = loadPlatformConfig(projectDir);
            return createPlatform(config, { projectDir });
        },
        {
            project: stackConfig.project,
            stack,
            // No fallback: a stack without aws:region fails the config validation, as under the CLI.
            region: stackConfig.region,
            config: { ...stackConfig.config, ...options.overrides },
            secretKeys: stackConfig.secretKeys,
            onResource: options.onResource,
        },
    );
    if (config === undefined) {
        throw new Error("unreachable: the program ran, so the configuration was loaded");
    }
    return { ...result, config };
}
