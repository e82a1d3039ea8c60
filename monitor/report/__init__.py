"""The quarterly report (``govmon report``): the 通报's two tables, its problem list and 附件1.

``build`` turns an inventory, finding records and the set of checked targets into a ``Report`` (pure, no
I/O); ``sources`` reads finding records from an exported JSONL file or from govmon's Redis; one module per
output format renders a ``Report`` (``FORMATS`` in ``monitor.report.formats``).
"""
