/**
 * Pulumi entry point: validate the stack's configuration (all problems at once, before any
 * resource is registered), then build the platform. The returned object's keys are the stack
 * outputs (only those the stack's configuration creates).
 */
import * as pulumi from "@pulumi/pulumi";
import { formatProblem, loadPlatformConfig } from "./config";
import { createPlatform } from "./program";

const config = loadPlatformConfig(__dirname);
// What requireMultiAz would reject, when it is off (dev): shown in every preview and up.
for (const advisory of config.advisories) {
    void pulumi.log.warn(`Multi-AZ advisory (platform:requireMultiAz is false): ${formatProblem(advisory)}`);
}

export = createPlatform(config, { projectDir: __dirname });
