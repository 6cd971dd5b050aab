import { expect } from "chai";
import { environmentForStack, environmentNamedBy } from "./environment";

describe("the stack's name decides its environment", () => {
    const cases: { stack: string; configured: unknown; result: string }[] = [
        { stack: "production", configured: "production", result: "production" },
        { stack: "production", configured: undefined, result: "production" },
        { stack: "testing", configured: "testing", result: "testing" },
        { stack: "development", configured: undefined, result: "development" },
        {
            stack: "production",
            configured: "testing",
            result: 'environment: stack "production" is the production environment, its name decides that (got "testing"): set it back with: pulumi config set environment production --stack production',
        },
        {
            stack: "testing",
            configured: "development",
            result: 'environment: stack "testing" is the testing environment, its name decides that (got "development"): set it back with: pulumi config set environment testing --stack testing',
        },
        {
            stack: "production",
            configured: 7,
            result: "environment: stack \"production\" is the production environment, its name decides that (got 7): set it back with: pulumi config set environment production --stack production",
        },
        { stack: "staging", configured: "testing", result: "testing" },
        { stack: "staging", configured: "production", result: "production" },
        { stack: "alice", configured: "development", result: "development" },
        { stack: "eu-prod", configured: "production", result: "production" },
        {
            stack: "staging",
            configured: undefined,
            result: 'environment: stack "staging" is not named development, testing or production, so its config must say which one it is: pulumi config set environment testing --stack staging',
        },
        {
            stack: "alice",
            configured: undefined,
            result: 'environment: stack "alice" is not named development, testing or production, so its config must say which one it is: pulumi config set environment <development|testing|production> --stack alice',
        },
        {
            stack: "eu-prod",
            configured: "testing",
            result: 'environment: stack "eu-prod" says production in its name and cannot be mapped to the laxer testing (got "testing"): pulumi config set environment production --stack eu-prod, or give the stack a name that does not say production',
        },
        {
            stack: "prod2",
            configured: "development",
            result: 'environment: stack "prod2" says production in its name and cannot be mapped to the laxer development (got "development"): pulumi config set environment production --stack prod2, or give the stack a name that does not say production',
        },
        {
            stack: "qa",
            configured: "development",
            result: 'environment: stack "qa" says testing in its name and cannot be mapped to the laxer development (got "development"): pulumi config set environment testing --stack qa, or give the stack a name that does not say testing',
        },
        { stack: "alice", configured: "staging", result: 'environment: must be one of development, testing, production (got "staging")' },
        {
            stack: "evil\u202Eprod",
            configured: undefined,
            result: 'environment: stack "evil\\u{202E}prod" is not named development, testing or production, so its config must say which one it is: pulumi config set environment production --stack evil\\u{202E}prod',
        },
    ];
    for (const c of cases) {
        const title = `${c.stack} with environment ${JSON.stringify(c.configured) ?? "unset"}`;
        it(`${c.result.startsWith("environment:") ? "refuses" : "accepts"} ${title}`, () => {
            const choice = environmentForStack(c.stack, c.configured);
            expect(choice.ok ? choice.environment : choice.problem).to.equal(c.result);
        });
    }

    const named: [string, string | undefined][] = [
        ["production", "production"],
        ["prod-test", "production"],
        ["live", "production"],
        ["product-demo", undefined],
        ["preprod", "testing"],
        ["ci", "testing"],
        ["dev-alice", "development"],
        ["alice", undefined],
    ];
    for (const [stack, environment] of named) {
        it(`reads ${stack} as ${environment ?? "naming no environment"}`, () => expect(environmentNamedBy(stack)).to.equal(environment));
    }
});
