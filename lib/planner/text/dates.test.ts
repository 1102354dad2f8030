import { describe, expect, it } from "vitest";
import { findDates, parseDay, weekdayName, type CalendarDay } from "./dates";

// A Thursday.
const today: CalendarDay = { y: 2025, m: 7, d: 31 };
const read = (text: string, day = today) => findDates(text, day).map((d) => [d.text, d.value]);

describe("dates as people write them", () => {
  it("reads written-out dates, with or without the year and weekday", () => {
    expect(read("August 1, 2023")).toEqual([["August 1, 2023", "2023-08-01"]]);
    expect(read("between Tue, Aug 1st 2023 and 1 September 2023")).toEqual([["Tue, Aug 1st 2023", "2023-08-01"], ["1 September 2023", "2023-09-01"]]);
    expect(read("on the 3rd of Sept.")).toEqual([["the 3rd of Sept", "2025-09-03"]]);
    expect(read("due 2024-02-29, not 2023-02-29")).toEqual([["2024-02-29", "2024-02-29"]]);
    expect(read("February 30, 2024")).toEqual([]);
  });

  it("reads days relative to today", () => {
    expect(read("today, tomorrow, yesterday")).toEqual([["today", "2025-07-31"], ["tomorrow", "2025-08-01"], ["yesterday", "2025-07-30"]]);
    expect(read("the day after tomorrow")).toEqual([["the day after tomorrow", "2025-08-02"]]);
    expect(read("in 3 days, in two weeks, 10 days ago, in a week")).toEqual([["in 3 days", "2025-08-03"], ["in two weeks", "2025-08-14"], ["10 days ago", "2025-07-21"], ["in a week", "2025-08-07"]]);
  });

  it("reads weekdays: this one (today included), next (after today), last (before today)", () => {
    expect(read("next Tuesday")).toEqual([["next Tuesday", "2025-08-05"]]);
    expect(read("on Thursday")).toEqual([["on Thursday", "2025-07-31"]]);
    expect(read("next Thursday")).toEqual([["next Thursday", "2025-08-07"]]);
    expect(read("last Thursday")).toEqual([["last Thursday", "2025-07-24"]]);
    expect(read("Monday")).toEqual([["Monday", "2025-08-04"]]);
    // Across a year's end.
    expect(read("next Friday", { y: 2025, m: 12, d: 30 })).toEqual([["next Friday", "2026-01-02"]]);
  });

  it("leaves words that only look like dates, and numeric dates whose order is a guess", () => {
    expect(read("the cat sat in the sun on a wed mat; may be 8/1/2023")).toEqual([]);
    expect(read("keep 10 rows in 3 files")).toEqual([]);
  });

  it("parses and names days", () => {
    expect(parseDay("2025-07-31")).toEqual(today);
    expect(parseDay("2025-02-30")).toBeNull();
    expect(weekdayName(today)).toBe("Thursday");
  });
});
