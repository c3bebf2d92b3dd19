/**
 * The platform program: turns the validated configuration into components. Environment
 * differences arrive only through `config`; nothing here branches on the environment's name.
 */
import * as pulumi from "@pulumi/pulumi";
import { PlatformConfig } from "./config/types";
import { EncryptionKeys } from "./components/encryption-keys";
import { Network } from "./components/network";
import { COMPONENT_NAMES } from "./lib/naming";
import { registerDefaultTags } from "./lib/tags";

/** Stack outputs: what operators and other stacks need, nothing more. */
export interface PlatformOutputs {
    readonly [key: string]: unknown;
    readonly environment: string;
    readonly vpcId: pulumi.Output<string>;
    readonly privateSubnetIds: pulumi.Output<string[]>;
    readonly isolatedSubnetIds: pulumi.Output<string[]>;
    readonly keyArns: Record<string, pulumi.Output<string>>;
}

export function createPlatform(config: PlatformConfig): PlatformOutputs {
    registerDefaultTags({ environment: config.environment, project: config.project });

    const keys = new EncryptionKeys(COMPONENT_NAMES.keys, {
        region: config.region,
        aliasPrefix: `${config.project}-${config.environment}`,
        deletionWindowInDays: config.kmsDeletionWindowDays,
        protect: config.protectStatefulResources,
    });

    const network = new Network(COMPONENT_NAMES.network, {
        cidrBlock: config.network.cidrBlock,
        availabilityZoneCount: config.network.availabilityZoneCount,
        natStrategy: config.network.natStrategy,
        subnetMasks: {
            public: config.network.publicSubnetMask,
            private: config.network.privateSubnetMask,
            isolated: config.network.isolatedSubnetMask,
        },
        region: config.region,
        logsKmsKeyArn: keys.keys.logs.arn,
        flowLogRetentionDays: config.network.flowLogRetentionDays,
    });

    return {
        environment: config.environment,
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        isolatedSubnetIds: network.isolatedSubnetIds,
        keyArns: Object.fromEntries(Object.entries(keys.keys).map(([purpose, key]) => [purpose, key.arn])),
    };
}
