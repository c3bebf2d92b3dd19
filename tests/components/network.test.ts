/**
 * Network: awsx's Vpc from the args (an opaque remote component under mocks: its args are the
 * contract), VPC flow logs to a KMS-encrypted group through a role that only this account's flow
 * logs may assume and that may only write to that group, and the AZ names the tiers are placed by.
 */
import * as assert from "assert";
import { Network, NetworkArgs, validateNetworkArgs } from "../../components/network";
import { ValidationError, formatProblem } from "../../config/problems";
import { MOCK_ACCOUNT_ID } from "../../engine/mocks";
import { Recorded, policyDocument, record, resolveOutput } from "../support/harness";

const KEY = `arn:aws:kms:eu-west-1:${MOCK_ACCOUNT_ID}:key/11111111-2222-4333-8444-555555555555`;
const ARGS: NetworkArgs = { cidrBlock: "10.30.0.0/16", availabilityZoneCount: 3, natStrategy: "OnePerAz", region: "eu-west-1", logsKmsKeyArn: KEY };

describe("Network", () => {
    let r: Recorded;
    let network: Network;
    before(async () => {
        const run = await record(() => new Network("network", ARGS));
        r = run.resources;
        network = run.value;
    });

    it("creates the awsx Vpc, the flow log group, role, role policy and flow log, all under the component", () => {
        assert.deepStrictEqual(r.countByType(), {
            "pulumi:pulumi:Stack": 1,
            "platform:network:Network": 1,
            "awsx:ec2:Vpc": 1,
            "aws:cloudwatch/logGroup:LogGroup": 1,
            "aws:iam/role:Role": 1,
            "aws:iam/rolePolicy:RolePolicy": 1,
            "aws:ec2/flowLog:FlowLog": 1,
        });
        const component = r.one("platform:network:Network", "network");
        for (const child of r.all.filter((x) => x.type !== "pulumi:pulumi:Stack" && x !== component)) {
            assert.strictEqual(child.parent, component.urn, child.name);
        }
    });

    it("passes awsx exactly: CIDR, AZ count, NAT strategy, three tiers with default masks, DNS, S3 and DynamoDB gateway endpoints", () => {
        assert.deepStrictEqual(r.one("awsx:ec2:Vpc", "network-vpc").inputs, {
            cidrBlock: "10.30.0.0/16",
            numberOfAvailabilityZones: 3,
            natGateways: { strategy: "OnePerAz" },
            subnetStrategy: "Auto",
            subnetSpecs: [
                { type: "Public", name: "public", cidrMask: 24 },
                { type: "Private", name: "private", cidrMask: 20 },
                { type: "Isolated", name: "isolated", cidrMask: 24 },
            ],
            enableDnsHostnames: true,
            enableDnsSupport: true,
            vpcEndpointStrategy: "Auto",
            vpcEndpointSpecs: [
                { serviceName: "com.amazonaws.eu-west-1.s3", vpcEndpointType: "Gateway" },
                { serviceName: "com.amazonaws.eu-west-1.dynamodb", vpcEndpointType: "Gateway" },
            ],
        });
    });

    it("logs ALL flows, aggregated per minute, to a group under the logs key with 365-day retention", () => {
        const group = r.one("aws:cloudwatch/logGroup:LogGroup", "network-flow-logs");
        assert.deepStrictEqual(group.inputs, { retentionInDays: 365, kmsKeyId: KEY });
        const role = r.one("aws:iam/role:Role", "network-flow-logs");
        const vpc = r.one("awsx:ec2:Vpc", "network-vpc");
        assert.deepStrictEqual(r.one("aws:ec2/flowLog:FlowLog", "network-flow-logs").inputs, {
            vpcId: vpc.state.vpcId,
            trafficType: "ALL",
            logDestinationType: "cloud-watch-logs",
            logDestination: group.state.arn,
            iamRoleArn: role.state.arn,
            maxAggregationInterval: 60,
        });
    });

    it("the role: only this account's flow logs in this Region may assume it; it may only write to the group", () => {
        const role = r.one("aws:iam/role:Role", "network-flow-logs");
        assert.deepStrictEqual(policyDocument(role.inputs.assumeRolePolicy).Statement, [
            {
                Effect: "Allow",
                Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                Action: ["sts:AssumeRole"],
                Condition: {
                    StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID },
                    ArnLike: { "aws:SourceArn": `arn:aws:ec2:eu-west-1:${MOCK_ACCOUNT_ID}:vpc-flow-log/*` },
                },
            },
        ]);
        const groupArn = String(r.one("aws:cloudwatch/logGroup:LogGroup", "network-flow-logs").state.arn);
        const policy = r.one("aws:iam/rolePolicy:RolePolicy", "network-flow-logs");
        assert.strictEqual(policy.inputs.role, role.state.name);
        assert.deepStrictEqual(policyDocument(policy.inputs.policy).Statement, [
            {
                Sid: "WriteFlowLogs",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: [groupArn, `${groupArn}:*`],
            },
        ]);
    });

    it("outputs the VPC, the subnet ids of each tier (one per AZ) and the first N AZ names of the Region", async () => {
        const vpc = r.one("awsx:ec2:Vpc", "network-vpc");
        assert.deepStrictEqual(
            await Promise.all(
                [network.vpcId, network.publicSubnetIds, network.privateSubnetIds, network.isolatedSubnetIds, network.availabilityZoneNames].map((o) => resolveOutput<unknown>(o)),
            ),
            [vpc.state.vpcId, vpc.state.publicSubnetIds, vpc.state.privateSubnetIds, vpc.state.isolatedSubnetIds, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]],
        );
        assert.deepStrictEqual([network.vpcCidr, network.availabilityZoneCount], ["10.30.0.0/16", 3]);
        assert.strictEqual((vpc.state.privateSubnetIds as string[]).length, 3);
    });

    it("takes masks, retention and traffic type from args", async () => {
        const custom = (
            await record(
                () =>
                    new Network("network", {
                        ...ARGS,
                        availabilityZoneCount: 2,
                        natStrategy: "Single",
                        subnetMasks: { private: 22 },
                        flowLogRetentionDays: 14,
                        flowLogTrafficType: "REJECT",
                    }),
            )
        ).resources;
        const vpc = custom.one("awsx:ec2:Vpc", "network-vpc");
        assert.deepStrictEqual(
            [vpc.inputs.numberOfAvailabilityZones, vpc.inputs.natGateways, vpc.inputs.subnetSpecs],
            [
                2,
                { strategy: "Single" },
                [
                    { type: "Public", name: "public", cidrMask: 24 },
                    { type: "Private", name: "private", cidrMask: 22 },
                    { type: "Isolated", name: "isolated", cidrMask: 24 },
                ],
            ],
        );
        assert.strictEqual(custom.one("aws:cloudwatch/logGroup:LogGroup", "network-flow-logs").inputs.retentionInDays, 14);
        assert.strictEqual(custom.one("aws:ec2/flowLog:FlowLog", "network-flow-logs").inputs.trafficType, "REJECT");
    });

    it("validates its args, every problem at once, before creating anything", async () => {
        const problems = validateNetworkArgs({
            ...ARGS,
            cidrBlock: "10.0.0.0/8",
            availabilityZoneCount: 1,
            natStrategy: "PerSubnet" as NetworkArgs["natStrategy"],
            flowLogRetentionDays: 42,
        }).list.map(formatProblem);
        assert.deepStrictEqual(problems, [
            'NetworkArgs.cidrBlock = "10.0.0.0/8": must be an IPv4 CIDR from /16 to /24 with no host bits set. Fix: use e.g. 10.0.0.0/16',
            "NetworkArgs.availabilityZoneCount = 1: must be 2-6: ALBs and DB subnet groups need subnets in at least two AZs. Fix: use 2 (dev) or 3 (prod)",
            'NetworkArgs.natStrategy = "PerSubnet": must be one of None, Single, OnePerAz. Fix: use OnePerAz for HA, Single to save cost',
            "NetworkArgs.flowLogRetentionDays = 42: must be a CloudWatch Logs retention value. Fix: use e.g. 365",
        ]);
        const registered: string[] = [];
        await assert.rejects(
            record(() => new Network("network", { ...ARGS, availabilityZoneCount: 7 }), { onResource: (res) => registered.push(res.type) }),
            (err: unknown) => err instanceof ValidationError && err.problems.length === 1,
        );
        assert.deepStrictEqual(registered, ["pulumi:pulumi:Stack", "platform:network:Network"]);
    });
});
