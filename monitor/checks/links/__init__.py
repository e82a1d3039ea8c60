"""Link checking: the verdict of one URL (``verdict``), which URLs and how (``urls``), the shared,
cached, coalescing checker (``checker``) and the breadth-first crawl of a site (``crawl``)."""
