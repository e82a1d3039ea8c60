"""Every operational metric, on an injected CollectorRegistry (never the global default).

Names are prefixed ``govmon_`` (CONTRACT.md); dashboards depend on them, so rename none. A test can
create several ``Metrics`` in one process, each on its own registry, as client_python's tests do.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics

# prometheus_client adds a ``<name>_created`` sample (the Unix time the series began) to every counter and
# histogram; in the text format it reads as one more series with the counter's HELP (``govmon_jobs_created``
# under "Jobs finished"), and no dashboard or rule uses it. Off for the whole process, at collect time.
disable_created_metrics()

LATENCY_BUCKETS_S = (0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 10, 15, 20, 30, 60)
START_LAG_BUCKETS_S = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 5, 10, 30, 60, 300, 900, 3600)
"""Fine below 1 s: the national goal is every probe and poll claimed within 1 s of its due time (p99)."""


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.jobs = Counter(
            "govmon_jobs", "Jobs finished, by check kind and outcome", ["check", "outcome"], registry=r
        )
        self.job_seconds = Histogram(
            "govmon_job_duration_seconds",
            "Wall time of one job",
            ["check"],
            buckets=LATENCY_BUCKETS_S,
            registry=r,
        )
        self.start_lag_seconds = Histogram(
            "govmon_job_start_lag_seconds",
            "From a job's scheduled due time to a worker claiming it (first delivery), by check kind",
            ["check"],
            buckets=START_LAG_BUCKETS_S,
            registry=r,
        )
        self.fetch_seconds = Histogram(
            "govmon_fetch_duration_seconds",
            "Fetch latency until the body is fully received, by purpose and result",
            ["purpose", "result"],
            buckets=LATENCY_BUCKETS_S,
            registry=r,
        )
        self.fetches = Counter(
            "govmon_fetches",
            "Fetches by purpose and failure reason ('ok' when none)",
            ["purpose", "reason"],
            registry=r,
        )
        self.queue_backlog = Gauge("govmon_queue_backlog", "Jobs in the stream not yet delivered", registry=r)
        self.queue_pending = Gauge("govmon_queue_pending", "Jobs delivered and not yet acked", registry=r)
        self.queue_lag_seconds = Gauge(
            "govmon_queue_lag_seconds", "Age of the oldest due schedule entry not yet enqueued", registry=r
        )
        self.schedule_overdue = Gauge(
            "govmon_schedule_overdue", "Schedule entries past their due time and not yet enqueued", registry=r
        )
        self.schedule_entries = Gauge("govmon_schedule_entries", "Entries in the schedule", registry=r)
        self.enqueued = Counter(
            "govmon_jobs_enqueued", "Jobs moved from the schedule into the stream", ["check"], registry=r
        )
        self.backpressure = Counter(
            "govmon_scheduler_backpressure",
            "Scheduler ticks that held back due work because workers lag",
            registry=r,
        )
        self.reclaimed = Counter(
            "govmon_jobs_reclaimed", "Jobs reclaimed from dead or stuck workers", registry=r
        )
        self.dead_lettered = Counter(
            "govmon_jobs_dead_lettered", "Jobs moved to the dead-letter stream", ["check"], registry=r
        )
        self.deadletter_size = Gauge(
            "govmon_deadletter_size", "Entries in the dead-letter stream", registry=r
        )
        self.released = Counter(
            "govmon_jobs_released", "In-flight jobs put back (shutdown, own trouble)", registry=r
        )
        self.in_flight = Gauge("govmon_jobs_in_flight", "Jobs this process is running", registry=r)
        self.is_leader = Gauge(
            "govmon_scheduler_leader", "1 while this process holds the scheduler lease", registry=r
        )
        self.loop_lag_seconds = Gauge(
            "govmon_event_loop_lag_seconds", "Latest measured event-loop lag", registry=r
        )
        self.probes = Counter(
            "govmon_availability_probes", "Availability probes by result (ok, failed)", ["result"], registry=r
        )
        self.probes_discarded = Counter(
            "govmon_availability_probes_discarded",
            "Probes not counted against a site because govmon itself was unwell",
            ["reason"],
            registry=r,
        )
        self.findings = Gauge(
            "govmon_findings", "Current findings", ["code", "severity", "status"], registry=r
        )
        self.targets = Gauge("govmon_targets", "Targets loaded from the inventory", ["kind"], registry=r)
        self.inventory_problems = Gauge(
            "govmon_inventory_problems", "Inventory rows rejected at load", registry=r
        )
        self.interaction_workday_ratio = Gauge(
            "govmon_interaction_replied_within_workday_ratio",
            "Share of a site's published messages of the last year answered within 1 working day",
            ["target"],
            registry=r,
        )
        self.notices = Counter(
            "govmon_notices",
            "Notice deliveries by channel (apprise scheme), notice kind and result (sent, failed, deferred)",
            ["channel", "kind", "result"],
            registry=r,
        )
        self.outbox_depth = Gauge(
            "govmon_outbox_depth", "Notice deliveries waiting in the outbox", registry=r
        )
        self.outbox_oldest_seconds = Gauge(
            "govmon_outbox_oldest_seconds", "Age of the oldest delivery waiting in the outbox", registry=r
        )
        self.notices_dead = Gauge(
            "govmon_notices_dead",
            "Notice deliveries given up (dead letters; govmon notices retry)",
            registry=r,
        )
