"""Client construction: connection string (Azurite) or identity with derived service URLs."""

from __future__ import annotations

from azure.identity import DefaultAzureCredential

from shared.settings import Settings
from shared.storage import WHOLE_READ_BYTES, Storage


def test_identity_based_clients_use_derived_urls_and_the_client_id() -> None:
    storage = Storage(Settings(storage_account_name="acct", storage_client_id="cid"))
    assert isinstance(storage.credential, DefaultAzureCredential)
    assert storage.blob_service.url == "https://acct.blob.core.windows.net/"
    assert storage.queue_service.url == "https://acct.queue.core.windows.net/"
    assert storage.table_service.url.startswith("https://acct.table.core.windows.net")
    assert storage.account_name == "acct"


def test_explicit_service_uris_win() -> None:
    storage = Storage(
        Settings(storage_account_name="acct", blob_service_uri="https://blobs.example.test/")
    )
    assert storage.blob_service.url == "https://blobs.example.test/"


def test_connection_string_clients_and_base64_queue(settings: Settings) -> None:
    storage = Storage(settings)
    assert storage.credential is None
    assert storage.blob_service.url.startswith("http://127.0.0.1:")
    queue = storage.queue("data-jobs")
    assert queue is storage.queue("data-jobs")  # one client per queue per process
    assert type(queue._message_encode_policy).__name__ == "TextBase64EncodePolicy"


def test_small_blobs_are_read_in_one_request_large_ones_in_bounded_ranges(
    settings: Settings,
) -> None:
    storage = Storage(settings)
    assert storage.blob_reader._config.max_single_get_size == WHOLE_READ_BYTES
    assert storage.blob_service._config.max_single_get_size == 4 * 1024 * 1024
    for client in (storage.blob_reader, storage.blob_service):
        assert client._config.max_chunk_get_size == 4 * 1024 * 1024
