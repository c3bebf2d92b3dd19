/**
 * Pulumi entry point: validate the stack's configuration (all problems at once, before any
 * resource is registered), then build the platform. The returned object's keys are the stack
 * outputs (only those the stack's configuration creates).
 */
import { loadPlatformConfig } from "./config";
import { createPlatform } from "./program";

export = createPlatform(loadPlatformConfig(__dirname), { projectDir: __dirname });
