"""The one table format every benchmark prints (Markdown, so it pastes into notes)."""

from __future__ import annotations

TARGET_HEADER = ["metric", "measured", "target", "reference (same run)", "verdict"]


def print_table(rows: list[list], header: list[str] = TARGET_HEADER) -> None:
    cells = [[str(c) for c in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for i, row in enumerate(cells):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
