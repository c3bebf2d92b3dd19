/**
 * Pulumi entry point: validate the stack's configuration (all problems at once, before any
 * resource is registered), then build the platform and export its outputs.
 */
import { loadPlatformConfig } from "./config";
import { createPlatform } from "./program";

const platform = createPlatform(loadPlatformConfig(__dirname));

export const environment = platform.environment;
export const vpcId = platform.vpcId;
export const privateSubnetIds = platform.privateSubnetIds;
export const isolatedSubnetIds = platform.isolatedSubnetIds;
export const keyArns = platform.keyArns;
