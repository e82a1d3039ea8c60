"""Precision and recall of the column.misfiled heuristic on generated policy-column pages.

Builds ``--sites`` simulated sites (every third with news filed among its 政策文件), renders every page
of each policy-document column (政策文件, 规范性文件), reads it as the columns check does
(``read_listing``) and classifies each row title with ``monitor.rules.misfiled.is_document``.
Ground truth: the simulator's list of misfiled titles. Usage: ``python bench/misfiled_precision.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt

from monitor.extract.html import parse
from monitor.extract.listing import read_listing
from monitor.rules.misfiled import is_document, is_policy_column
from monitor.settings import ColumnsSettings
from monitor.sim.catalogue import build_sites
from monitor.sim.listing import page_name
from monitor.sim.pages import SiteRenderer
from monitor.sim.records import SiteSpec

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=150)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    now = dt.datetime(2026, 11, 20, 10, tzinfo=SHANGHAI)
    specs = [SiteSpec(misfiled=("zcwj", "gfxwj") if n % 3 == 0 else ()) for n in range(args.sites)]
    cfg = ColumnsSettings()
    tp = fp = fn = rows = 0
    title_tp = title_fp = title_fn = 0
    for site in build_sites(args.seed, now, specs):
        renderer = SiteRenderer(site, now, 8080)
        for column in site.columns:
            if column.category != "notice" or not is_policy_column(column.name, cfg):
                continue
            truth = set(column.misfiled)
            for sim_item in column.items:  # the heuristic alone, on the rows as the simulator wrote them
                flagged, actual = not is_document(sim_item.title, cfg), sim_item.title in truth
                title_tp += flagged and actual
                title_fp += flagged and not actual
                title_fn += actual and not flagged
            for index in range(column.pages):
                url = f"http://{site.host}:8080{column.path}{page_name(index)}"
                listing = read_listing(parse(renderer.column_page(column, index)), url, now.date())
                for item in listing.items:
                    rows += 1
                    flagged = not is_document(item.title, cfg)
                    actual = item.title in truth
                    tp += flagged and actual
                    fp += flagged and not actual
                    fn += actual and not flagged
    print(
        f"titles alone: flagged {title_tp + title_fp}  true {title_tp}  false {title_fp}  missed {title_fn}"
    )
    print("read from the rendered pages:")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"rows {rows}  flagged {tp + fp}  true {tp}  false {fp}  missed {fn}")
    print(f"precision {precision:.4f}  recall {recall:.4f}")


if __name__ == "__main__":
    main()
