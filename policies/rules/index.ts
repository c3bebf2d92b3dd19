import { EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { baselinePolicies } from "./baseline";
import { dataProtectionPolicies } from "./data-protection";
import { encryptionAtRestPolicies } from "./encryption-at-rest";
import { encryptionInTransitPolicies } from "./encryption-in-transit";
import { highAvailabilityPolicies } from "./high-availability";
import { loggingAndWafPolicies } from "./logging-and-waf";

/** Name of the policy pack (`pulumi preview --policy-pack policies` shows it). */
export const PACK_NAME = "platform-guardrails";

/**
 * Pack-wide enforcement level: every policy is mandatory unless the policy config file of the
 * environment (policies/config/<env>.json) lowers it.
 */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";

export type PackPolicy = ResourceValidationPolicy | StackValidationPolicy;

/** The pack's policies grouped by theme (README and tests use the grouping). */
export const policiesByTheme: Readonly<Record<string, readonly PackPolicy[]>> = {
    "encryption-at-rest": encryptionAtRestPolicies,
    "encryption-in-transit": encryptionInTransitPolicies,
    "high-availability": highAvailabilityPolicies,
    baseline: baselinePolicies,
    "data-protection": dataProtectionPolicies,
    "logging-and-waf": loggingAndWafPolicies,
};

/** Every policy of the pack, in a stable order. */
export const allPolicies: PackPolicy[] = Object.values(policiesByTheme).flat();
