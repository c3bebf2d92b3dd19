// ESLint flat config: `npm run lint` (part of `npm test`).
//
// - typescript-eslint's type-checked recommended rules: the type information is needed anyway by
//   @pulumi/eslint-plugin, and it makes rules such as no-floating-promises possible, which matter in
//   a program where almost everything is asynchronous (Outputs, invokes, the mock engine).
// - @pulumi/eslint-plugin ships no preset (only `rules`), so both of its rules are enabled here:
//   an Output interpolated into a plain template literal renders as a warning text instead of its
//   value; `pulumi.interpolate` (or `apply`) is the fix.
// - Formatting is Prettier's job (`npm run format:check`); no stylistic rules are enabled.
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import { defineConfig } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
    {
        name: "platform/ignores",
        // Build output, local scratch files and session notes (all git-ignored).
        ignores: ["bin/", "scratch/", ".briefs/", ".plan/", "**/*.d.ts"],
    },
    js.configs.recommended,
    tseslint.configs.recommendedTypeChecked,
    {
        name: "platform/typescript",
        files: ["**/*.ts"],
        languageOptions: {
            parserOptions: {
                // Each file is checked with the tsconfig.json nearest to it (the root one, or
                // policies/tsconfig.json for the policy pack), as tsc and the Pulumi CLI see it.
                projectService: true,
                tsconfigRootDir: import.meta.dirname,
            },
        },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            // Names starting with "_" are deliberately unused: destructuring a field away
            // (`{ consumer: _consumer, ...rest }`) or a callback parameter kept for its position.
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true }],
        },
    },
    {
        name: "platform/javascript",
        // Plain JavaScript (this file, Node scripts): no TypeScript project, so no type-aware rules.
        files: ["**/*.{js,mjs,cjs}"],
        extends: [tseslint.configs.disableTypeChecked],
        languageOptions: { globals: globals.node },
    },
    {
        name: "platform/commonjs",
        files: ["**/*.{js,cjs}"],
        languageOptions: { sourceType: "commonjs" },
        rules: {
            // CommonJS scripts load modules with require(); that is not a TypeScript import to convert.
            "@typescript-eslint/no-require-imports": "off",
        },
    },
);
