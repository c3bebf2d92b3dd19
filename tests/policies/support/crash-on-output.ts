/**
 * Preloaded (`node -r`) by tests/policies/cli.test.ts into the policy-check CLI to simulate a bug:
 * the first console.log throws, so the CLI's handling of unexpected errors (exit 3) is exercised.
 */
console.log = () => {
    throw new Error("simulated crash");
};
