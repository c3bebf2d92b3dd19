/**
 * Network: the VPC every tier runs in, built with awsx.ec2.Vpc (subnets, route tables, NAT,
 * internet gateway and gateway endpoints are awsx's job; it does them well), plus what awsx does
 * not offer: VPC flow logs to a KMS-encrypted log group through a least-privilege role.
 *
 * Tiers: public (NAT gateways only; nothing of ours gets a public IP), private (internal ALB,
 * Fargate tasks, cache; egress through NAT) and isolated (Aurora; no route out of the VPC).
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../config/problems";
import { LIMITS } from "../config/resolve";
import { NAT_STRATEGIES, NatStrategy } from "../config/types";
import { parseCidr } from "../lib/cidr";
import { assumeRolePolicy, policyJson } from "../lib/iam";

export interface NetworkArgs {
    /** VPC IPv4 CIDR block, /16 to /24. */
    readonly cidrBlock: string;
    /** Availability Zones to spread subnets over (2-6). */
    readonly availabilityZoneCount: number;
    /** NAT gateways: None, Single or OnePerAz. */
    readonly natStrategy: NatStrategy;
    /**
     * Prefix lengths of the subnets in each AZ.
     * @default public /24, private /20, isolated /24
     */
    readonly subnetMasks?: { readonly public?: number; readonly private?: number; readonly isolated?: number };
    /** AWS Region of the stack (names the gateway endpoint services). */
    readonly region: string;
    /** KMS key (logs) that encrypts the flow log group. */
    readonly logsKmsKeyArn: pulumi.Input<string>;
    /**
     * Retention of the flow log group, a CloudWatch-allowed value.
     * @default 365
     */
    readonly flowLogRetentionDays?: number;
    /**
     * Flow log traffic type.
     * @default "ALL" (accepted and rejected traffic: rejected flows are what an investigation needs)
     */
    readonly flowLogTrafficType?: "ALL" | "ACCEPT" | "REJECT";
}

const DEFAULTS = {
    subnetMasks: { public: 24, private: 20, isolated: 24 },
    flowLogRetentionDays: 365,
    flowLogTrafficType: "ALL",
    /** Aggregate flows per minute, not the 10-minute default, so incidents show up while they happen. */
    maxAggregationInterval: 60,
} as const;

export function validateNetworkArgs(args: NetworkArgs): Problems {
    const problems = new Problems();
    const cidr = parseCidr(args.cidrBlock);
    problems.check(
        cidr !== undefined && cidr.prefix >= 16 && cidr.prefix <= 24,
        "NetworkArgs.cidrBlock",
        args.cidrBlock,
        "must be an IPv4 CIDR from /16 to /24 with no host bits set",
        "use e.g. 10.0.0.0/16",
    );
    problems.check(
        Number.isInteger(args.availabilityZoneCount) && args.availabilityZoneCount >= 2 && args.availabilityZoneCount <= 6,
        "NetworkArgs.availabilityZoneCount",
        args.availabilityZoneCount,
        "must be 2-6: ALBs and DB subnet groups need subnets in at least two AZs",
        "use 2 (dev) or 3 (prod)",
    );
    problems.check(
        (NAT_STRATEGIES as readonly string[]).includes(args.natStrategy),
        "NetworkArgs.natStrategy",
        args.natStrategy,
        `must be one of ${NAT_STRATEGIES.join(", ")}`,
        "use OnePerAz for HA, Single to save cost",
    );
    const retention = args.flowLogRetentionDays ?? DEFAULTS.flowLogRetentionDays;
    problems.check(
        (LIMITS.logRetentionDays as readonly number[]).includes(retention),
        "NetworkArgs.flowLogRetentionDays",
        retention,
        "must be a CloudWatch Logs retention value",
        "use e.g. 365",
    );
    return problems;
}

export class Network extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    public readonly vpcCidr: string;
    public readonly publicSubnetIds: pulumi.Output<string[]>;
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    public readonly isolatedSubnetIds: pulumi.Output<string[]>;
    public readonly availabilityZoneCount: number;
    /**
     * Names of the Availability Zones the subnets are in, in subnet order (index i of every subnet
     * id list is in `availabilityZoneNames[i]`): what DataTier and CacheTier place instances and
     * nodes by.
     */
    public readonly availabilityZoneNames: pulumi.Output<string[]>;
    public readonly flowLogGroupName: pulumi.Output<string>;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:network:Network", name, {}, opts);
        validateNetworkArgs(args).throwIfAny(`Network ${name}`);

        const masks = {
            public: args.subnetMasks?.public ?? DEFAULTS.subnetMasks.public,
            private: args.subnetMasks?.private ?? DEFAULTS.subnetMasks.private,
            isolated: args.subnetMasks?.isolated ?? DEFAULTS.subnetMasks.isolated,
        };

        const vpc = new awsx.ec2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: args.cidrBlock,
                numberOfAvailabilityZones: args.availabilityZoneCount,
                natGateways: { strategy: args.natStrategy },
                subnetStrategy: "Auto",
                subnetSpecs: [
                    { type: "Public", name: "public", cidrMask: masks.public },
                    { type: "Private", name: "private", cidrMask: masks.private },
                    { type: "Isolated", name: "isolated", cidrMask: masks.isolated },
                ],
                enableDnsHostnames: true,
                enableDnsSupport: true,
                // Gateway endpoints keep S3 and DynamoDB traffic off the NAT gateways (cost) and off
                // the internet; "Auto" makes awsx attach them to the route tables it generates.
                vpcEndpointStrategy: "Auto",
                vpcEndpointSpecs: [
                    { serviceName: `com.amazonaws.${args.region}.s3`, vpcEndpointType: "Gateway" },
                    { serviceName: `com.amazonaws.${args.region}.dynamodb`, vpcEndpointType: "Gateway" },
                ],
            },
            { parent: this },
        );

        // The AZs awsx put the subnets in. With `numberOfAvailabilityZones`, awsx takes the first N
        // names of aws.getAvailabilityZones() called without arguments (pulumi-awsx awsx/ec2/vpc.ts,
        // getDefaultAzs), and fails the deployment itself when the Region has fewer than N. The same
        // call here gives the same list in the same order, so placement and subnets always agree.
        // (awsx's `availabilityZoneNames` takes plain strings, not an invoke's Output, so the names
        // cannot be handed to it instead; filtering on state "available" here could pick an AZ awsx
        // did not use.)
        const zones = aws.getAvailabilityZonesOutput({}, { parent: this });
        const availabilityZoneNames = zones.names.apply((names) => names.slice(0, args.availabilityZoneCount));

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-flow-logs`,
            {
                retentionInDays: args.flowLogRetentionDays ?? DEFAULTS.flowLogRetentionDays,
                kmsKeyId: args.logsKmsKeyArn,
            },
            { parent: this },
        );

        // awsx has no flow-log option; the role may write only to this log group, and only the flow
        // logs of this account and Region may assume it (confused-deputy guard, as the VPC guide's
        // "IAM role for publishing flow logs to CloudWatch Logs" shows).
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const role = new aws.iam.Role(
            `${name}-flow-logs`,
            {
                description: "VPC flow logs delivery to CloudWatch Logs",
                assumeRolePolicy: account.apply((accountId) =>
                    assumeRolePolicy("vpc-flow-logs.amazonaws.com", {
                        StringEquals: { "aws:SourceAccount": accountId },
                        ArnLike: { "aws:SourceArn": `arn:aws:ec2:${args.region}:${accountId}:vpc-flow-log/*` },
                    }),
                ),
            },
            { parent: this },
        );
        new aws.iam.RolePolicy(
            `${name}-flow-logs`,
            {
                role: role.name,
                policy: policyJson([
                    {
                        Sid: "WriteFlowLogs",
                        Effect: "Allow",
                        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                        Resource: [logGroup.arn, pulumi.interpolate`${logGroup.arn}:*`],
                    },
                ]),
            },
            { parent: this },
        );
        new aws.ec2.FlowLog(
            `${name}-flow-logs`,
            {
                vpcId: vpc.vpcId,
                trafficType: args.flowLogTrafficType ?? DEFAULTS.flowLogTrafficType,
                logDestinationType: "cloud-watch-logs",
                logDestination: logGroup.arn,
                iamRoleArn: role.arn,
                maxAggregationInterval: DEFAULTS.maxAggregationInterval,
            },
            { parent: this },
        );

        this.vpcId = vpc.vpcId;
        this.vpcCidr = args.cidrBlock;
        this.publicSubnetIds = vpc.publicSubnetIds;
        this.privateSubnetIds = vpc.privateSubnetIds;
        this.isolatedSubnetIds = vpc.isolatedSubnetIds;
        this.availabilityZoneCount = args.availabilityZoneCount;
        this.availabilityZoneNames = availabilityZoneNames;
        this.flowLogGroupName = logGroup.name;

        this.registerOutputs({
            vpcId: this.vpcId,
            availabilityZoneNames: this.availabilityZoneNames,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            isolatedSubnetIds: this.isolatedSubnetIds,
        });
    }
}
