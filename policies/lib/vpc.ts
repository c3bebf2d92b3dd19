import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import { PolicyResource } from "@pulumi/policy";
import { ofClasses, references } from "./correlate";
import { typeToken } from "./typed";
import { UnknownTracker } from "./unknowns";

/*
 * The VPCs of a stack as stack policies can see them under a real `pulumi preview`/`up`.
 *
 * awsx.ec2.Vpc is a remote component: the client's registration only asks the awsx provider to
 * construct it; the registration the analyzer sees is the one the provider makes, through the
 * generated base class (pulumi-awsx awsx/schema-types.ts: `super("awsx:ec2:Vpc", name, { name, args,
 * opts }, opts)`), so its props are {} (PULUMI_NODEJS_SKIP_COMPONENT_INPUTS) or carry the inputs
 * under `args`, never at the top level. What awsx creates is visible: an aws.ec2.Vpc (parent: the
 * component), one aws.ec2.Subnet per AZ and tier (parent: the aws.ec2.Vpc; tags.SubnetType
 * Public/Private/Isolated, mapPublicIpOnLaunch on public ones) and aws.ec2.NatGateway (parent: the
 * public subnet it sits in; awsx/ec2/vpc.ts). Policies therefore judge those children, and read the
 * component's own props (top-level, as mock-engine records carry them, or under `args`) only for
 * an awsx VPC with no recorded children.
 */

const SUBNET = typeToken(aws.ec2.Subnet);
const EC2_VPC = typeToken(aws.ec2.Vpc);
const AWSX_VPC = typeToken(awsx.ec2.Vpc);

/** One VPC's recorded children. */
export interface VpcChildren {
    /** Where findings are reported: the awsx component, else the aws.ec2.Vpc, else the first subnet. */
    readonly urn: string;
    /** True when the VPC is an awsx.ec2.Vpc (the fix is then an awsx argument). */
    readonly awsx: boolean;
    readonly subnets: PolicyResource[];
    /** NAT gateways with internet connectivity, each with the subnet it sits in. */
    readonly natGateways: Array<{ nat: PolicyResource; subnet: PolicyResource }>;
}

/** The awsx.ec2.Vpc args a component without children exposes, or why there are none. */
export interface VpcComponentArgs {
    readonly component: PolicyResource;
    /** The args (top-level props or props.args); undefined when the props carry none. */
    readonly args: Record<string, unknown> | undefined;
}

export interface StackVpcs {
    readonly withChildren: VpcChildren[];
    /** awsx VPCs none of whose children are in the stack. */
    readonly componentsOnly: VpcComponentArgs[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function ancestorOfType(r: PolicyResource, type: string): PolicyResource | undefined {
    for (let p = r.parent; p !== undefined; p = p.parent) {
        if (p.type === type) {
            return p;
        }
    }
    return undefined;
}

/** awsx.ec2.Vpc input names: props carrying one of them at the top level are the args themselves. */
const AWSX_VPC_ARG_KEYS = ["cidrBlock", "numberOfAvailabilityZones", "availabilityZoneNames", "natGateways", "subnetSpecs", "subnetStrategy", "ipv4IpamPoolId"];

function componentArgs(component: PolicyResource): Record<string, unknown> | undefined {
    const nested: unknown = component.props["args"];
    if (isRecord(nested)) {
        return nested;
    }
    const props: Record<string, unknown> = component.props;
    return AWSX_VPC_ARG_KEYS.some((k) => props[k] !== undefined) ? props : undefined;
}

/** The AZ a subnet is in (availabilityZone, else availabilityZoneId); undefined when AWS picks it. */
export function subnetAz(subnet: PolicyResource): string | undefined {
    const az: unknown = subnet.props["availabilityZone"] ?? subnet.props["availabilityZoneId"];
    return typeof az === "string" && az.length > 0 ? az : undefined;
}

/** True for a subnet awsx made public (tags.SubnetType "Public") or any subnet mapping public IPs. */
export function isPublicSubnet(subnet: PolicyResource): boolean {
    const tags: unknown = subnet.props["tags"];
    return subnet.props["mapPublicIpOnLaunch"] === true || (isRecord(tags) && tags["SubnetType"] === "Public");
}

/**
 * Groups the stack's subnets and NAT gateways by VPC. A subnet belongs to the aws.ec2.Vpc it
 * descends from (awsx) or whose id its vpcId holds; a NAT gateway to the subnet it descends from or
 * whose id its subnetId holds. Unknown values are left to `tracker` (the subnet or NAT gateway is
 * skipped and the policy reports "can't run ... during preview").
 */
export function stackVpcs(resources: readonly PolicyResource[], tracker: UnknownTracker): StackVpcs {
    const vpcs = ofClasses(resources, aws.ec2.Vpc);
    const subnets = ofClasses(resources, aws.ec2.Subnet);
    const groups = new Map<string, { urn: string; awsx: boolean; subnets: PolicyResource[]; natGateways: VpcChildren["natGateways"] }>();
    const groupOfSubnet = new Map<PolicyResource, string>();

    for (const subnet of subnets) {
        tracker.check(() => {
            const vpc = ancestorOfType(subnet, EC2_VPC) ?? vpcs.find((v) => references(subnet, "vpcId", v, ["id"]));
            const component = (vpc && ancestorOfType(vpc, AWSX_VPC)) ?? ancestorOfType(subnet, AWSX_VPC);
            const owner = component ?? vpc;
            const key = owner?.urn ?? `vpcId=${String(subnet.props["vpcId"])}`;
            const group = groups.get(key) ?? { urn: owner?.urn ?? subnet.urn, awsx: component !== undefined, subnets: [], natGateways: [] };
            group.subnets.push(subnet);
            groups.set(key, group);
            groupOfSubnet.set(subnet, key);
        });
    }
    for (const nat of ofClasses(resources, aws.ec2.NatGateway)) {
        tracker.check(() => {
            // A private NAT gateway gives no internet egress: it is no substitute for a public one.
            if (nat.props["connectivityType"] === "private") {
                return;
            }
            const parent = ancestorOfType(nat, SUBNET);
            const subnet = parent && groupOfSubnet.has(parent) ? parent : subnets.find((s) => groupOfSubnet.has(s) && references(nat, "subnetId", s, ["id"]));
            if (subnet) {
                groups.get(groupOfSubnet.get(subnet) ?? "")?.natGateways.push({ nat, subnet });
            }
        });
    }

    const withChildren = [...groups.values()];
    const owners = new Set(withChildren.map((g) => g.urn));
    const componentsOnly = ofClasses(resources, awsx.ec2.Vpc)
        .filter((c) => !owners.has(c.urn))
        .flatMap((component) => {
            let args: Record<string, unknown> | undefined;
            let known = true;
            tracker.check(() => {
                known = false;
                args = componentArgs(component);
                known = true;
            });
            return known ? [{ component, args }] : [];
        });
    return { withChildren, componentsOnly };
}

/** Distinct values, sorted. */
export function distinct(values: Array<string | undefined>): string[] {
    return [...new Set(values.filter((v): v is string => v !== undefined))].sort();
}
