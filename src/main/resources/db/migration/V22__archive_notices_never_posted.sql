-- The archive notices a tenant was never sent: it had no notification URL when the notice was issued, or had none
-- any more when it fell due, or its endpoint refused every attempt. A notice withdrawn later is then withdrawn
-- without a message: the tenant would get a withdrawal of a notice it never saw. A row is kept until its notice is
-- withdrawn, or for 60 days after the archive it announced.
CREATE TABLE archive_notice_unposted (
    session_id  varchar(100) NOT NULL,
    archive_at  timestamptz  NOT NULL,
    reason      varchar(20)  NOT NULL,
    recorded_at timestamptz  NOT NULL,
    PRIMARY KEY (session_id, archive_at)
);
CREATE INDEX archive_notice_unposted_archive_at_idx ON archive_notice_unposted (archive_at);
