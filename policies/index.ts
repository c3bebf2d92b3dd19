import { PolicyPack } from "@pulumi/policy";
import { allPolicies, PACK_ENFORCEMENT_LEVEL, PACK_NAME } from "./rules";

// Starts the policy gRPC server (one per process): only the Pulumi CLI, or a test that spawns this
// file as a child process, may load this module. Everything else imports ./rules.
new PolicyPack(PACK_NAME, {
    policies: allPolicies,
    enforcementLevel: PACK_ENFORCEMENT_LEVEL,
});
