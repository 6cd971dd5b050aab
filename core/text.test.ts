import { expect } from "chai";
import { escapeLines, escapeText, MAX_SHOWN_CHARS, printable, showValue, truncate } from "./text";

describe("printing outside text", () => {
    const escapes: [string, string, string][] = [
        ["plain text", "api", "api"],
        ["a newline", "a\nb", "a\\nb"],
        ["a carriage return and a tab", "a\rb\tc", "a\\rb\\tc"],
        ["an escape sequence", "\u001b[31mred", "\\u{001B}[31mred"],
        ["a C1 control (CSI)", "x\u009b2J", "x\\u{009B}2J"],
        ["DEL", "x\u007f", "x\\u{007F}"],
        ["a right-to-left override", "abc\u202Edcba", "abc\\u{202E}dcba"],
        ["a right-to-left isolate and its end", "\u2067x\u2069", "\\u{2067}x\\u{2069}"],
        ["a right-to-left mark and an Arabic letter mark", "\u200f\u061c", "\\u{200F}\\u{061C}"],
        ["a zero-width space and a BOM", "a\u200bb\ufeff", "a\\u{200B}b\\u{FEFF}"],
        ["a line separator", "a\u2028b", "a\\u{2028}b"],
        ["accented letters and emoji, which stay", "café ☕ 🚀", "café ☕ 🚀"],
    ];
    for (const [title, input, shown] of escapes) {
        it(`escapes ${title}`, () => expect(escapeText(input)).to.equal(shown));
    }

    it("keeps line breaks of a whole message but escapes everything else", () => {
        expect(escapeLines("line one\u202E\nline\ttwo\n")).to.equal("line one\\u{202E}\nline\\ttwo\n");
    });

    it("cuts a long value and says how much was left out", () => {
        expect(truncate("x".repeat(MAX_SHOWN_CHARS + 5))).to.equal(`${"x".repeat(MAX_SHOWN_CHARS)}… (5 more characters)`);
        expect(truncate("x".repeat(MAX_SHOWN_CHARS))).to.equal("x".repeat(MAX_SHOWN_CHARS));
        expect(printable("a".repeat(1024 * 1024), 10)).to.equal(`aaaaaaaaaa… (${1024 * 1024 - 10} more characters)`);
    });

    it("cuts by whole characters, never inside one", () => {
        expect(truncate("🚀🚀🚀", 2)).to.equal("🚀🚀… (1 more characters)");
    });

    it("shows config values as JSON, escaped and cut", () => {
        expect(showValue(undefined)).to.equal("absent");
        expect(showValue("x\u202Ey")).to.equal('"x\\u{202E}y"');
        expect(showValue({ a: "\u0007" })).to.equal('{"a":"\\u0007"}');
        expect(showValue(30080)).to.equal("30080");
        expect(showValue("v".repeat(300))).to.equal(`"${"v".repeat(MAX_SHOWN_CHARS - 1)}… (${302 - MAX_SHOWN_CHARS} more characters)`);
    });
});
