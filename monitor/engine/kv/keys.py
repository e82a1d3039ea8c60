"""Every Redis key govmon uses, built in one place (arq keeps its layout in one short file too).

All keys live under one prefix (default ``govmon``), so several deployments — or several tests — can
share one Redis. Each builder says the key's type, which module writes it, and what bounds it.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True, slots=True)
class Keys:
    prefix: str = "govmon"

    # ----------------------------------------------------------------------------------------- engine
    @property
    def schedule(self) -> str:
        """ZSET member ``check|target_id`` → next due (epoch s). Writer: schedule. Bound: checks × targets."""
        return f"{self.prefix}:schedule"

    @property
    def stream(self) -> str:
        """STREAM of jobs. Writer: schedule/queue. Bound: acked entries are XDELed; backlog is bounded by the
        scheduler's back-pressure; MAXLEN ~ as a last resort."""
        return f"{self.prefix}:jobs"

    @property
    def group(self) -> str:
        """Consumer group name on ``stream`` (a name, not a key)."""
        return "workers"

    @property
    def deadletter(self) -> str:
        """STREAM of jobs that failed ``engine.max_deliveries`` times. Writer: queue. Bound: MAXLEN ~ 10000."""
        return f"{self.prefix}:deadletter"

    def lease(self, role: str) -> str:
        """STRING holder id with PX TTL. Writer: kv.lease. Bound: one per role."""
        return f"{self.prefix}:lease:{role}"

    def done(self, job_id: str) -> str:
        """STRING marker that a job's result is recorded (idempotency). Writer: store. Bound: TTL."""
        return f"{self.prefix}:done:{job_id}"

    @property
    def workers(self) -> str:
        """ZSET consumer → time of its last heartbeat (epoch s): the index of ``heartbeat`` keys.
        Writer: queue (for workers). Bound: members whose heartbeat expired are dropped by the scheduler."""
        return f"{self.prefix}:workers"

    def heartbeat(self, consumer: str) -> str:
        """STRING JSON ``{"slots", "in_flight"}`` of one live worker, for the scheduler's back-pressure.
        Writer: queue (for workers). Bound: EX (a dead worker's key expires), one per live worker."""
        return f"{self.prefix}:worker:{consumer}"

    @property
    def job_errors(self) -> str:
        """HASH job_id → last exception text of a job that failed, copied into its dead-letter entry.
        Writer: queue (for workers). Bound: the field is removed when the job is acked or dead-lettered."""
        return f"{self.prefix}:joberrors"

    @property
    def stats(self) -> str:
        """HASH of engine counters shared by all processes (overdue, reclaimed, dead-lettered). Writer: engine."""
        return f"{self.prefix}:stats"

    # ----------------------------------------------------------------------------------------- state
    def latest(self, check: str, target_id: str) -> str:
        """STRING JSON of the newest observation of one check on one target. Writer: store. Bound: one each."""
        return f"{self.prefix}:obs:{check}:{target_id}"

    def history(self, check: str, target_id: str) -> str:
        """ZSET JSON observation → observed_at. Writer: store. Bound: trimmed by age (retention) and count."""
        return f"{self.prefix}:hist:{check}:{target_id}"

    def samples(self, target_id: str) -> str:
        """STRING of packed availability samples, 9 bytes each (``monitor.engine.samples``). Writer: store.
        Bound: trimmed by age (retention) and count at each append; EX retention."""
        return f"{self.prefix}:samples:availability:{target_id}"

    def state(self, name: str) -> str:
        """STRING JSON of one value of the checks' ``ctx.state`` (``monitor.engine.kv.state.RedisState``), named
        by its check: ``link_verdict`` and ``media_record`` below. Writer: the check, through ``ctx.state``.
        Bound: PX, the TTL the check gives."""
        return f"{self.prefix}:{name}"

    def link_verdict(self, url_digest: str) -> str:
        """STRING JSON verdict of one link URL (``monitor.checks.links``; state name ``link:<digest>``), keyed
        by the URL's digest, so that many sites linking to one URL cost one check per ``links.cache_ttl_s``.
        Writer: the link checker. Bound: PX ``links.cache_ttl_s``."""
        return self.state(f"link:{url_digest}")

    def media_record(self, account_id: str) -> str:
        """STRING JSON ``{"etag", "last_modified", "reading", "watched_since"}`` of one account
        (``monitor.checks.media.check``; state name ``media:<account id>``): conditional-GET validators and the
        reading a 304 carries forward. Writer: the media check. Bound: one per account, PX
        ``media.validators_ttl_s``."""
        return self.state(f"media:{account_id}")

    def tamper_baseline(self, site_id: str) -> str:
        """STRING JSON ``monitor.extract.tamper.Baseline`` of one homepage (title, foreign script hosts, masked
        text lines, its snapshot), the last read judged good: ``ctx.state`` name ``tamper:<site id>``. Writer: the
        homepage check (``monitor.checks.content``) through ``ctx.state``. Bound: one per site, ≤ ~100 KB, PX
        ``content.baseline_ttl_days``."""
        return f"{self.prefix}:tamper:{site_id}"

    def confirmed(self, target_id: str) -> str:
        """HASH finding id → JSON ``{"by", "note", "at"}``: serious-error findings a person confirmed
        (``govmon findings confirm``). Writer: monitor.engine.confirmations. Bound: one field per confirmed
        finding of the target, EX two quarters from the last confirmation."""
        return f"{self.prefix}:confirmed:{target_id}"

    # ----------------------------------------------------------------------------------------- evidence
    def evidence(self, digest: str) -> str:
        """HASH of one snapshot (``data`` zlib bytes of the masked page, ``url``, ``status``, ``observed_at``,
        ``content_type``, ``size``), keyed by the SHA-256 of ``data``. Writer: monitor.engine.evidence.
        Bound: ``evidence.budget_bytes`` in all (oldest out first) and two quarters from the last sighting,
        both enforced at each store (no TTL: the byte total must stay exact)."""
        return f"{self.prefix}:evidence:{digest}"

    @property
    def evidence_index(self) -> str:
        """ZSET digest → last sighting (epoch s): the order snapshots leave in. Writer: monitor.engine.evidence.
        Bound: one member per stored snapshot."""
        return f"{self.prefix}:evidence-index"

    @property
    def evidence_bytes(self) -> str:
        """STRING total bytes of the stored snapshots' ``data``. Writer: monitor.engine.evidence. Bound: one."""
        return f"{self.prefix}:evidence-bytes"

    @property
    def findings(self) -> str:
        """HASH target_id → JSON list of that target's current findings. Writer: rules runner."""
        return f"{self.prefix}:findings"

    # ----------------------------------------------------------------------------------------- lifecycle
    def finding_records(self, target_id: str) -> str:
        """HASH finding id → JSON lifecycle record of one target's findings (CONTRACT.md's finding JSON with
        ``state``/``first_seen``/``last_seen``/``history``, plus the producing rule and absence clock), and the
        field ``@evaluated_at``. Writer: engine.lifecycle, in one WATCH/MULTI/EXEC per target. Bound: records
        resolved or dismissed before the previous quarter's start are dropped, history entries trimmed alike."""
        return f"{self.prefix}:lifecycle:{target_id}"

    @property
    def finding_targets(self) -> str:
        """SET of target ids that have a ``finding_records`` hash. Writer: engine.lifecycle. Bound: targets."""
        return f"{self.prefix}:lifecycle:targets"

    @property
    def finding_ids(self) -> str:
        """HASH finding id → target id, to find a record by id alone (ack, dismiss). Writer: engine.lifecycle.
        Bound: removed with the record."""
        return f"{self.prefix}:lifecycle:ids"

    def checked_day(self, day: str) -> str:
        """SET of target ids observed on one calendar day (Asia/Shanghai, ``YYYY-MM-DD``): the report's 检查数.
        Writer: store (one SADD with each recorded observation). Bound: EX two quarters (``CHECKED_TTL_S``)."""
        return f"{self.prefix}:checked:{day}"

    @property
    def finding_events(self) -> str:
        """STREAM of ``FindingEvent`` JSON (field ``event``). Writer: lifecycle. Bound: MAXLEN ~ 100000; the
        notifier reads it with its own consumer group (``notify_group``)."""
        return f"{self.prefix}:finding-events"

    # ----------------------------------------------------------------------------------------- notices
    @property
    def notify_group(self) -> str:
        """Consumer group name of the notifier on ``finding_events`` (a name, not a key)."""
        return "notifier"

    @property
    def outbox_due(self) -> str:
        """ZSET delivery id → when it may next be tried (epoch s); a claim pushes the score ahead by the
        claim timeout, so a killed worker's delivery comes back. Writer: notify.outbox. Bound: entries leave
        on delivery or dead letter; the rate of findings bounds the rest."""
        return f"{self.prefix}:outbox:due"

    @property
    def outbox_items(self) -> str:
        """HASH delivery id → JSON delivery (notice, one recipient, attempts, last error), waiting or dead.
        Writer: notify.outbox. Bound: removed on delivery; dead ones trimmed with ``outbox_dead``."""
        return f"{self.prefix}:outbox:items"

    @property
    def outbox_since(self) -> str:
        """ZSET delivery id → when it entered the outbox (epoch s), for ``govmon_outbox_oldest_seconds``.
        Writer: notify.outbox. Bound: leaves with the delivery (sent or dead)."""
        return f"{self.prefix}:outbox:since"

    @property
    def outbox_dead(self) -> str:
        """ZSET delivery id → when it died (epoch s): dead letters, shown by ``govmon notices list --failed``.
        Writer: notify.outbox. Bound: the oldest beyond 10000 are dropped with their items."""
        return f"{self.prefix}:outbox:dead"

    def notice_sent(self, delivery_id: str) -> str:
        """STRING delivered mark (epoch s) of one delivery: nothing is sent twice while it lives.
        Writer: notify.outbox. Bound: EX ``notify.sent_mark_ttl_s``."""
        return f"{self.prefix}:notice:sent:{delivery_id}"

    @property
    def notices_log(self) -> str:
        """STREAM of deliveries sent or dead-lettered (for ``govmon notices list``). Writer: notify.outbox.
        Bound: MAXLEN ~ 5000."""
        return f"{self.prefix}:notices:log"

    def notify_rate(self, channel: str, window: int) -> str:
        """STRING count of sends to one channel (digest of its URL) in one rate window. Writer: notify.deliver.
        Bound: EX two windows."""
        return f"{self.prefix}:notify:rate:{channel}:{window}"

    def storm(self, code: str) -> str:
        """ZSET target id → when ``code`` opened there (epoch s), for storm control. Writer: notify.consumer.
        Bound: trimmed to the storm window at each write, EX the window."""
        return f"{self.prefix}:notify:storm:{code}"

    @property
    def storms(self) -> str:
        """HASH code → JSON storm in progress (bucket, targets announced). Writer: notify.consumer; read and
        cleared by the notifier's leader tick (the closing 【汇总】). Bound: one field per code."""
        return f"{self.prefix}:notify:storms"
