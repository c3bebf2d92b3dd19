import * as aws from "@pulumi/aws";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { listing, ofClasses, references } from "../lib/correlate";
import { validateResourceOfTypes } from "../lib/typed";
import { UnknownTracker } from "../lib/unknowns";
import { distinct, isPublicSubnet, stackVpcs, subnetAz } from "../lib/vpc";

/*
 * Multi-AZ / high availability: no single instance, node, subnet or NAT gateway whose loss takes a
 * tier down. Thresholds are config (dev runs these advisory, see policies/config/dev.json).
 */

export const rdsInstanceMultiAz: ResourceValidationPolicy = {
    name: "rds-instance-multi-az",
    description: "Non-Aurora RDS DB instances run Multi-AZ with a standby in another AZ (Checkov CKV_AWS_157; cdk-nag AwsSolutions-RDS3).",
    validateResource: validateResourceOfType(aws.rds.Instance, (instance, args, reportViolation) => {
        if (instance.replicateSourceDb) {
            return args.notApplicable("Read replicas follow their source instance's availability settings");
        }
        if (instance.multiAz !== true) {
            reportViolation("multiAz is not true: the database has no standby and an AZ or instance failure takes it down; set multiAz: true.");
        }
    }),
};

export const DEFAULT_MIN_AURORA_INSTANCES = 2;

export const auroraClusterMinInstances: StackValidationPolicy = {
    name: "aurora-cluster-min-instances",
    description:
        "Every Aurora cluster has at least two instances (aws.rds.ClusterInstance), so a reader in another AZ can be promoted on failover; the Aurora counterpart of Checkov CKV_AWS_157 and cdk-nag AwsSolutions-RDS3.",
    configSchema: {
        properties: {
            minInstances: { type: "integer", minimum: 1, default: DEFAULT_MIN_AURORA_INSTANCES, description: "Minimum number of instances per Aurora cluster." },
        },
    },
    validateStack: (args, reportViolation) => {
        const minimum = args.getConfig<{ minInstances?: number }>().minInstances ?? DEFAULT_MIN_AURORA_INSTANCES;
        const tracker = new UnknownTracker();
        const instances = ofClasses(args.resources, aws.rds.ClusterInstance);
        const clusters = ofClasses(args.resources, aws.rds.Cluster);
        if (clusters.length === 0) {
            return args.notApplicable("The stack has no RDS clusters");
        }
        for (const cluster of clusters) {
            tracker.check(() => {
                const engine = String(cluster.props["engine"] ?? "");
                // Multi-AZ DB clusters of non-Aurora engines always run three instances, and
                // Serverless v1 (engineMode "serverless") has none: neither takes ClusterInstances.
                if (!engine.startsWith("aurora") || cluster.props["engineMode"] === "serverless") {
                    return;
                }
                const count = instances.filter((i) => references(i, "clusterIdentifier", cluster, ["clusterIdentifier", "id"])).length;
                if (count < minimum) {
                    reportViolation(
                        `Aurora cluster has ${count} instance(s) (aws.rds.ClusterInstance whose clusterIdentifier is this cluster); at least ${minimum} are required so a reader in another AZ can take over on failover.`,
                        cluster.urn,
                    );
                }
            });
        }
        tracker.finish();
    },
};

export const DEFAULT_MIN_CACHE_NODES = 2;

export const elasticacheMultiAzFailover: ResourceValidationPolicy = {
    name: "elasticache-multi-az-failover",
    description: "ElastiCache replication groups run Multi-AZ with automatic failover and at least two nodes (cdk-nag AwsSolutions-AEC4).",
    configSchema: {
        properties: {
            minNodes: { type: "integer", minimum: 2, default: DEFAULT_MIN_CACHE_NODES, description: "Minimum nodes per shard (primary + replicas)." },
        },
    },
    validateResource: validateResourceOfType(aws.elasticache.ReplicationGroup, (group, args, reportViolation) => {
        const minimum = args.getConfig<{ minNodes?: number }>().minNodes ?? DEFAULT_MIN_CACHE_NODES;
        const tracker = new UnknownTracker();
        tracker.check(() => {
            if (group.automaticFailoverEnabled !== true) {
                reportViolation("automaticFailoverEnabled is not true: a primary failure is not failed over to a replica; set automaticFailoverEnabled: true.");
            }
        });
        tracker.check(() => {
            if (group.multiAzEnabled !== true) {
                reportViolation("multiAzEnabled is not true: replicas may share the primary's AZ; set multiAzEnabled: true (it needs automatic failover).");
            }
        });
        tracker.check(() => {
            // Cluster-mode-disabled groups size with numCacheClusters; sharded ones with replicasPerNodeGroup.
            const nodes = group.numCacheClusters ?? (group.replicasPerNodeGroup !== undefined ? group.replicasPerNodeGroup + 1 : 1);
            if (nodes < minimum) {
                reportViolation(
                    `the group has ${nodes} node(s) per shard: at least ${minimum} (a primary and a replica) are required; set numCacheClusters >= ${minimum} or replicasPerNodeGroup >= ${minimum - 1}.`,
                );
            }
        });
        tracker.finish();
    }),
};

export const DEFAULT_MIN_SUBNETS = 2;

const minSubnetsSchema = {
    properties: {
        minSubnets: { type: "integer" as const, minimum: 2, default: DEFAULT_MIN_SUBNETS, description: "Minimum number of subnets (each in its own AZ)." },
    },
};

export const lbMultiSubnet: ResourceValidationPolicy = {
    name: "lb-multi-subnet",
    description: "Load balancers span at least two subnets in different AZs (an ALB requires two); the ELBv2 counterpart of cdk-nag AwsSolutions-ELB4 (CLB in at least two AZs).",
    configSchema: minSubnetsSchema,
    validateResource: validateResourceOfTypes([aws.lb.LoadBalancer, aws.alb.LoadBalancer], (lb, args, reportViolation) => {
        const minimum = args.getConfig<{ minSubnets?: number }>().minSubnets ?? DEFAULT_MIN_SUBNETS;
        const count = (lb.subnets ?? []).length + (lb.subnetMappings ?? []).length;
        if (count < minimum) {
            reportViolation(`the load balancer is in ${count} subnet(s): at least ${minimum} subnets in different AZs are required; list one subnet per AZ in subnets.`);
        }
    }),
};

export const ecsServiceMultiSubnet: ResourceValidationPolicy = {
    name: "ecs-service-multi-subnet",
    description:
        "ECS services (awsvpc) place tasks in at least two subnets in different AZs. No Checkov/cdk-nag rule checks it; the ECS counterpart of Checkov CKV_AWS_157 (Multi-AZ).",
    configSchema: minSubnetsSchema,
    validateResource: validateResourceOfType(aws.ecs.Service, (service, args, reportViolation) => {
        if (!service.networkConfiguration) {
            return args.notApplicable("Only services with an awsvpc networkConfiguration choose their subnets");
        }
        const minimum = args.getConfig<{ minSubnets?: number }>().minSubnets ?? DEFAULT_MIN_SUBNETS;
        const count = (service.networkConfiguration.subnets ?? []).length;
        if (count < minimum) {
            reportViolation(`networkConfiguration.subnets has ${count} subnet(s): at least ${minimum} subnets in different AZs are required so tasks survive an AZ failure.`);
        }
    }),
};

export const DEFAULT_MIN_TASKS = 2;

const minTasksSchema = {
    properties: {
        minTasks: { type: "integer" as const, minimum: 1, default: DEFAULT_MIN_TASKS, description: "Minimum number of running tasks per service." },
    },
};

export const ecsServiceMinTasks: ResourceValidationPolicy = {
    name: "ecs-service-min-tasks",
    description:
        "Replica ECS services run at least two tasks (desiredCount), so one task or AZ failure does not stop the service. No Checkov/cdk-nag rule checks it; the ECS counterpart of Checkov CKV_AWS_157.",
    configSchema: minTasksSchema,
    validateResource: validateResourceOfType(aws.ecs.Service, (service, args, reportViolation) => {
        if (service.schedulingStrategy === "DAEMON") {
            return args.notApplicable("DAEMON services run one task per container instance");
        }
        const minimum = args.getConfig<{ minTasks?: number }>().minTasks ?? DEFAULT_MIN_TASKS;
        if (service.desiredCount === undefined) {
            reportViolation(`desiredCount is not set (the service starts with 0 tasks): set desiredCount >= ${minimum}.`);
        } else if (service.desiredCount < minimum) {
            reportViolation(`desiredCount is ${service.desiredCount}: at least ${minimum} tasks are required so a task or AZ failure does not stop the service.`);
        }
    }),
};

export const ecsAutoscalingMinCapacity: ResourceValidationPolicy = {
    name: "ecs-autoscaling-min-capacity",
    description:
        "Application Auto Scaling targets of ECS services keep at least two tasks (minCapacity). No Checkov/cdk-nag rule checks it; the scaling counterpart of Checkov CKV_AWS_157.",
    configSchema: minTasksSchema,
    validateResource: validateResourceOfType(aws.appautoscaling.Target, (target, args, reportViolation) => {
        if (target.serviceNamespace !== "ecs") {
            return args.notApplicable(`Policy only applies to ECS scaling targets (serviceNamespace is ${target.serviceNamespace})`);
        }
        const minimum = args.getConfig<{ minTasks?: number }>().minTasks ?? DEFAULT_MIN_TASKS;
        if (target.minCapacity < minimum) {
            reportViolation(`minCapacity is ${target.minCapacity}: scaling in can leave fewer than ${minimum} tasks; set minCapacity >= ${minimum}.`);
        }
    }),
};

export const asgMultiSubnet: ResourceValidationPolicy = {
    name: "asg-multi-subnet",
    description:
        "Auto Scaling groups span at least two subnets/AZs (vpcZoneIdentifiers or availabilityZones). No Checkov/cdk-nag rule checks it; the EC2 counterpart of cdk-nag AwsSolutions-ELB4 (two AZs).",
    configSchema: minSubnetsSchema,
    validateResource: validateResourceOfType(aws.autoscaling.Group, (group, args, reportViolation) => {
        const minimum = args.getConfig<{ minSubnets?: number }>().minSubnets ?? DEFAULT_MIN_SUBNETS;
        const count = Math.max((group.vpcZoneIdentifiers ?? []).length, (group.availabilityZones ?? []).length);
        if (count < minimum) {
            reportViolation(`the group spans ${count} subnet(s)/AZ(s): at least ${minimum} are required; list one subnet per AZ in vpcZoneIdentifiers.`);
        }
    }),
};

function strategyOf(args: Record<string, unknown>): string {
    const natGateways: unknown = args["natGateways"];
    const strategy: unknown = typeof natGateways === "object" && natGateways !== null && !Array.isArray(natGateways) ? Reflect.get(natGateways, "strategy") : undefined;
    // awsx defaults to one NAT gateway per AZ when natGateways (or its strategy) is omitted.
    return typeof strategy === "string" ? strategy : "OnePerAz";
}

function unverifiable(components: readonly PolicyResource[], what: string): string {
    const names = listing(components.map((c) => `"${c.name}"`));
    return `awsx VPC ${names} has no recorded children (aws.ec2.Subnet, aws.ec2.NatGateway) and no inputs in its props, so ${what} cannot be checked`;
}

export const vpcNatGatewayPerAz: StackValidationPolicy = {
    name: "vpc-nat-gateway-per-az",
    description:
        'VPCs run a NAT gateway in every AZ that has public subnets (awsx natGateways.strategy "OnePerAz"), judged on the aws.ec2.Subnet and aws.ec2.NatGateway resources awsx creates, so losing an AZ does not cut the others\' egress. No Checkov/cdk-nag rule checks NAT redundancy; the network counterpart of Checkov CKV_AWS_157 (Multi-AZ).',
    validateStack: (args, reportViolation) => {
        const tracker = new UnknownTracker();
        const { withChildren, componentsOnly } = stackVpcs(args.resources, tracker);
        for (const vpc of withChildren) {
            tracker.check(() => {
                if (vpc.natGateways.length === 0) {
                    // No NAT egress to make redundant (awsx strategy "None" allows no private subnets).
                    return;
                }
                const publicAzs = distinct(vpc.subnets.filter(isPublicSubnet).map(subnetAz));
                const natAzs = distinct(vpc.natGateways.map((n) => subnetAz(n.subnet)));
                const missing = publicAzs.filter((az) => !natAzs.includes(az));
                if (missing.length > 0) {
                    const fix = vpc.awsx
                        ? 'set natGateways: { strategy: "OnePerAz" }'
                        : "add an aws.ec2.NatGateway in a public subnet of each AZ and route that AZ's private subnets to it";
                    reportViolation(
                        `NAT gateways are in ${natAzs.length} of the ${publicAzs.length} AZs with public subnets (${listing(natAzs)}); ${listing(missing)} ${missing.length === 1 ? "has" : "have"} none, so private subnets there send egress through another AZ and lose it when that AZ fails: ${fix}.`,
                        vpc.urn,
                    );
                }
            });
        }
        const unchecked = componentsOnly.filter((c) => c.args === undefined).map((c) => c.component);
        for (const { component, args: vpcArgs } of componentsOnly) {
            if (vpcArgs === undefined) {
                continue;
            }
            tracker.check(() => {
                // awsx accepts OnePerAz, Single and None (case-insensitively); "None" allows no private
                // subnets, so only "Single" leaves egress of some AZs to a NAT gateway in another.
                if (strategyOf(vpcArgs).toLowerCase() === "single") {
                    reportViolation(
                        'natGateways.strategy is "Single": one NAT gateway is a single point of failure for every private subnet\'s egress; set natGateways: { strategy: "OnePerAz" }.',
                        component.urn,
                    );
                }
            });
        }
        tracker.finish();
        if (unchecked.length > 0) {
            return args.notApplicable(unverifiable(unchecked, "NAT gateways per AZ"));
        }
        if (withChildren.length === 0 && componentsOnly.length === 0) {
            return args.notApplicable("The stack has no VPC subnets or awsx VPCs");
        }
    },
};

export const DEFAULT_MIN_AZS = 2;

export const vpcMultiAz: StackValidationPolicy = {
    name: "vpc-multi-az",
    description:
        "VPCs spread their subnets over at least the configured number of AZs, counted from the aws.ec2.Subnet resources (awsx numberOfAvailabilityZones or availabilityZoneNames when no subnets are recorded). No Checkov/cdk-nag rule checks it; the network counterpart of Checkov CKV_AWS_157 (Multi-AZ).",
    configSchema: {
        properties: {
            minAvailabilityZones: { type: "integer", minimum: 1, default: DEFAULT_MIN_AZS, description: "Minimum number of AZs." },
        },
    },
    validateStack: (args, reportViolation) => {
        const minimum = args.getConfig<{ minAvailabilityZones?: number }>().minAvailabilityZones ?? DEFAULT_MIN_AZS;
        const tracker = new UnknownTracker();
        const { withChildren, componentsOnly } = stackVpcs(args.resources, tracker);
        for (const vpc of withChildren) {
            tracker.check(() => {
                // A subnet created without an AZ lands where AWS puts it: it proves no spread.
                const azs = distinct(vpc.subnets.map(subnetAz));
                if (azs.length < minimum) {
                    const fix = vpc.awsx ? `set numberOfAvailabilityZones >= ${minimum}` : `create subnets in at least ${minimum} AZs`;
                    reportViolation(`the VPC's subnets span ${azs.length} AZ(s)${azs.length > 0 ? ` (${listing(azs)})` : ""}: at least ${minimum} are required; ${fix}.`, vpc.urn);
                }
            });
        }
        const unchecked = componentsOnly.filter((c) => c.args === undefined).map((c) => c.component);
        for (const { component, args: vpcArgs } of componentsOnly) {
            if (vpcArgs === undefined) {
                continue;
            }
            tracker.check(() => {
                const names: unknown = vpcArgs["availabilityZoneNames"];
                const number: unknown = vpcArgs["numberOfAvailabilityZones"];
                // awsx uses the first 3 AZs of the region when neither is given.
                const count = Array.isArray(names) ? names.length : typeof number === "number" ? number : 3;
                if (count < minimum) {
                    reportViolation(`the VPC spans ${count} AZ(s): at least ${minimum} are required; set numberOfAvailabilityZones >= ${minimum}.`, component.urn);
                }
            });
        }
        tracker.finish();
        if (unchecked.length > 0) {
            return args.notApplicable(unverifiable(unchecked, "its AZs"));
        }
        if (withChildren.length === 0 && componentsOnly.length === 0) {
            return args.notApplicable("The stack has no VPC subnets or awsx VPCs");
        }
    },
};

export const highAvailabilityPolicies = [
    rdsInstanceMultiAz,
    auroraClusterMinInstances,
    elasticacheMultiAzFailover,
    lbMultiSubnet,
    ecsServiceMultiSubnet,
    ecsServiceMinTasks,
    ecsAutoscalingMinCapacity,
    asgMultiSubnet,
    vpcNatGatewayPerAz,
    vpcMultiAz,
];
