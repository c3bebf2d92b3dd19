/**
 * Names the program gives its components, and the arithmetic of Pulumi autonaming, shared by the
 * config validator (which must reject names AWS would reject) and by the components themselves.
 */

/** Logical names of the top-level components, as `program.ts` creates them. */
export const COMPONENT_NAMES = {
    keys: "keys",
    alarms: "alarms",
    network: "network",
    services: "app",
    api: "api",
    events: "events",
    data: "data",
    cache: "cache",
    dns: "dns",
    edge: "edge",
} as const;

/** Pulumi autonaming appends "-" and 7 random characters to a logical name. */
export const AUTONAME_SUFFIX_LENGTH = 8;

/** ALB and target group names are limited to 32 characters by Elastic Load Balancing. */
export const LB_NAME_MAX = 32;

/** Longest logical name whose autonamed physical name still fits `limit`. */
export function maxLogicalNameLength(limit: number): number {
    return limit - AUTONAME_SUFFIX_LENGTH;
}

/** Logical name of a service's target group inside InternalAlbService `componentName`. */
export function targetGroupLogicalName(componentName: string, serviceName: string): string {
    return `${componentName}-${serviceName}`;
}

/** Logical name of the internal ALB inside InternalAlbService `componentName`. */
export function loadBalancerLogicalName(componentName: string): string {
    return `${componentName}-alb`;
}

/** DNS label rule (lowercase letters, digits, hyphens; starts with a letter; no trailing hyphen). */
export const DNS_LABEL = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;

/** Fully qualified domain name: labels of 1-63 chars, lowercase, total <= 253. */
export function isDomainName(value: string): boolean {
    if (value.length === 0 || value.length > 253) {
        return false;
    }
    return value.split(".").every((label) => label.length <= 63 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(label));
}

/** True when `name` (optionally a `*.` wildcard) equals `zone` or is a subdomain of it. */
export function isWithinZone(name: string, zone: string): boolean {
    const bare = name.startsWith("*.") ? name.slice(2) : name;
    return bare === zone || bare.endsWith(`.${zone}`);
}

/**
 * A Region of the `aws` partition (commercial Regions, e.g. eu-west-1). ARNs and service endpoints
 * throughout the platform are written for it: China (cn-*) and GovCloud (us-gov-*) Regions, with
 * their arn:aws-cn / arn:aws-us-gov partitions and endpoint suffixes, are not supported.
 */
export const AWS_PARTITION_REGION = /^(?!cn-)[a-z]{2}-[a-z]+-\d$/;
