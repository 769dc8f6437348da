"""The archive itself: moving a local archive into an S3-compatible bucket."""

from __future__ import annotations

import click

from mailflow.cli.base import TEXT, State, main, out


@main.group("archive")
def archive_group() -> None:
    """Where the desk's files are kept."""


@archive_group.command("migrate")
@click.option("--to", "target", type=TEXT, required=True, help="s3://BUCKET/PREFIX")
@click.option("--endpoint-url", type=TEXT, help="The store's URL when it is not AWS (MinIO, SeaweedFS, …).")
@click.option("--region", type=TEXT)
@click.option("--retain-days", type=click.IntRange(1, 36500),
              help="Keep raw mail under S3 Object Lock (COMPLIANCE) for this many days.")
@click.pass_obj
def archive_migrate(state: State, target: str, endpoint_url: str | None, region: str | None,
                    retain_days: int | None) -> None:
    """Copy the local archive into a bucket, check every object by its sha256, point the rows
    there and switch mailflow.yaml's `archive:` to it. Stop the daemons and web desks first;
    run it again after an interruption (what is in the bucket already is not sent again).
    Credentials come from the environment, ~/.aws or the instance role."""
    from mailflow.store.objects import S3Archive, parse_s3_url
    from mailflow.store.relocate import migrate, switch_config

    bucket, prefix = parse_s3_url(target)
    bucket_archive = S3Archive(bucket, prefix, endpoint_url, region, retain_days)
    with state.opened_store() as store, store.exclusive():  # SQLite: not while a daemon runs
        done = migrate(store, bucket_archive)
    switch_config(state.config_path, bucket, prefix, endpoint_url, region, retain_days)
    out.print(f"{done.sent} object(s) sent, {done.present} there already, {done.quarantined} quarantined "
              f"mail, {done.documents} document(s) of ours, order.json of {done.orders} order(s); every object read back and checked by its "
              f"sha256. {state.config_path} now keeps the archive in {bucket_archive.describe()}; the local "
              "files are no longer used and may be removed.", markup=False)
