"""samplewiki's editing campaign: the users who signed up for a fortnight of July 2025.

`make demo` runs `wikidumps run campaign` with this file and the campaign's window (runners/cli/demo.py:
2025-07-01 to before 2025-07-15). Participants are written as organisers list them: one with the `User:`
prefix, one who signed up and never edited.
"""
from __future__ import annotations

from pathlib import Path

CAMPAIGN_FILE = "samplewiki-campaign-participants.txt"
PARTICIPANTS = ("Fennimore", "Brackenwood", "User:Zarnitsa", "RiverRat42", "北風", "Lisbeth Nobody")


def write_campaign(out_dir: Path) -> Path:
    path = Path(out_dir) / CAMPAIGN_FILE
    lines = ["# samplewiki's July writing fortnight (2025-07-01 to before 2025-07-15, UTC): who signed up",
             *PARTICIPANTS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
