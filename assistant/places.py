"""Places a question names, from the national table of administrative divisions.

The table is the one the maintained package ``cpca`` ships (``resources/adcodes.csv``: every
province, prefecture and county-level division with its 12-digit code). It is read as data; the
package itself is never imported (that would load pandas for nothing). Shenzhen (code 4403…),
its districts and the province it belongs to are in scope; every other division is not.
"""

from __future__ import annotations

import csv
import importlib.util
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import jieba

SHENZHEN_CODE = "4403"
EVERYDAY_FREQ = 500  # jieba's count from which a district's short name is an everyday word
# Rows of the table that group divisions rather than name one.
AGGREGATES = frozenset({"市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划", "县"})
# Districts named by a generic word for a kind of area (阳泉市城区, 大同市矿区): 旧城区, 郊区 in a
# sentence are no place; their prefecture's name still is.
GENERIC_AREA = re.compile(r"(?:老|新|旧)?(?:城|郊|矿|林|市中)区")
PROVINCE_CODE = "44"  # 广东省: a question naming it still asks about Shenzhen's rules
# Suffixes a caller leaves out (绍兴 for 绍兴市, 湖南 for 湖南省). County-level names keep theirs:
# without 区/县 they collide with everyday words (合作市, 东方市, 大同区).
SHORTENED = re.compile(r"(?:省|市|特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区)$")
SUFFIXED = re.compile(r"(?:省|市|区|县|旗|州|盟|特别行政区)$")
# Shenzhen has no counties, townships or villages: 某某县, 我们镇上 are elsewhere by definition.
UNNAMED_ELSEWHERE = re.compile(r"(?:某某?|我们|俺们|咱们|[\u4e00-\u9fff]{2})(?<![区市省各级郡城])县(?![级域城区市委])|(?:某某?|我们|俺们)(?:乡|镇|村)(?![镇村级])")


@dataclass(frozen=True)
class Place:
    name: str  # as written in the question
    code: str  # the division's 6-digit code; "" for an unnamed county or village
    in_scope: bool  # Shenzhen, one of its districts, or Guangdong as a whole
    origin: bool = False  # where the person comes from (老家湖南, 香港人), not what the question asks about

    @property
    def district(self) -> bool:
        """One of Shenzhen's districts (罗湖区, 福田), not the city or the province."""
        return self.code.startswith(SHENZHEN_CODE) and self.code != SHENZHEN_CODE + "00"


def _table_path() -> Path:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the package cpca (the table of China's divisions) is missing; run `pip install cpca`")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


class Gazetteer:
    """Finds the administrative divisions a text names; loads the table on first use."""

    def __init__(self, table: Path | None = None) -> None:
        self._table = table
        self._names: dict[str, tuple[str, ...]] | None = None
        self._by_start: dict[str, tuple[str, ...]] | None = None

    def _load(self) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
        if self._names is None or self._by_start is None:
            jieba.setLogLevel(logging.WARNING)
            jieba.dt.check_initialized()
            names: dict[str, list[str]] = {}
            with (self._table or _table_path()).open(encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    code, name = row["adcode"][:6], row["name"].strip()
                    if len(name) < 2 or name in AGGREGATES or GENERIC_AREA.fullmatch(name):
                        continue
                    names.setdefault(name, []).append(code)
                    rank = 0 if code.endswith("0000") else 1 if code.endswith("00") else 2
                    if rank == 2 and code.startswith(SHENZHEN_CODE) and name.endswith("区"):
                        # Callers name Shenzhen's districts without 区 (我们是罗湖的协会), unless the
                        # short name is an everyday word (光明).
                        short = name[:-1]
                        if len(short) >= 2 and jieba.dt.FREQ.get(short, 0) < EVERYDAY_FREQ:
                            names.setdefault(short, []).append(code)
                    short = SHORTENED.sub("", name)
                    if rank < 2 and short != name and len(short) >= 2:
                        names.setdefault(short, []).append(code)
            self._names = {name: tuple(dict.fromkeys(codes)) for name, codes in names.items()}
            # Names by their first two characters, longest first, so 南海区 wins over a shorter name.
            by_start: dict[str, list[str]] = {}
            for name in sorted(self._names, key=len, reverse=True):
                by_start.setdefault(name[:2], []).append(name)
            self._by_start = {key: tuple(value) for key, value in by_start.items()}
        return self._names, self._by_start

    def _matches(self, text: str) -> list[str]:
        """The names in the text, left to right, longest at each position, not overlapping."""
        _, by_start = self._load()
        found, i = [], 0
        while i < len(text) - 1:
            name = next((n for n in by_start.get(text[i : i + 2], ()) if text.startswith(n, i)), None)
            if name:
                found.append(name)
                i += len(name)
            else:
                i += 1
        return found

    def find(self, text: str) -> tuple[Place, ...]:
        """The divisions the text names, in order, each once."""
        names, _ = self._load()
        found: dict[str, Place] = {}
        words: set[str] | None = None
        for name in self._matches(text):
            codes = names[name]
            if not SUFFIXED.search(name):
                # A shortened name counts only as a word of its own: 长治 is not in 长治久安.
                if words is None:
                    words = set(jieba.lcut(text, HMM=False))
                if name not in words:
                    continue
            # 南山区 is in Shenzhen and in Hegang: a name Shenzhen shares is read as Shenzhen's.
            in_scope = any(c.startswith(SHENZHEN_CODE) or c == PROVINCE_CODE + "0000" for c in codes)
            code = next((c for c in codes if c.startswith(SHENZHEN_CODE)), codes[0])
            found.setdefault(name, Place(name, code, in_scope))
        for match in UNNAMED_ELSEWHERE.finditer(text):
            if not any(match.group(0) in p.name or p.name in match.group(0) for p in found.values()):
                found.setdefault(match.group(0), Place(match.group(0), "", False))
        return tuple(found.values())
