"""The store's state: generations, the dirty flag, the change log readers update from, and the model check."""

from __future__ import annotations

from assistant import store_schema as schema


def _run(state: dict, changed: set[str] | None) -> dict:
    return schema.marked(schema.marked(state, dirty=True), dirty=False, changed=changed)


def test_a_finished_run_logs_what_it_changed_across_its_generations():
    state = schema.new_store_state("m", 384, "fp32")
    first = _run(state, {"a.txt", "b.txt"})
    assert (schema.generation(first), schema.is_dirty(first)) == (2, False)
    second = _run(first, {"c.txt"})
    assert schema.changes_between(second, 0, 4) == {"a.txt", "b.txt", "c.txt"}
    assert schema.changes_between(second, 2, 4) == {"c.txt"}
    assert schema.changes_between(second, 4, 4) == set()
    assert schema.changes_between(second, 1, 4) is None  # a reader built mid-run knows no clean start
    running = schema.marked(second, dirty=True)
    assert (schema.clean_base(second), schema.clean_base(running)) == (4, 4)
    assert schema.changes_between(schema.marked(running, dirty=False, changed={"d.txt"}), 4, 6) == {"d.txt"}


def test_a_run_that_completes_a_crashed_one_logs_nothing_so_readers_rebuild():
    crashed = schema.marked(_run(schema.new_store_state("m", 384, "fp32"), {"a.txt"}), dirty=True)
    recovered = schema.marked(schema.marked(crashed, dirty=True), dirty=False, changed=None)
    assert schema.changes_between(recovered, 2, schema.generation(recovered)) is None
    assert schema.changes_between(recovered, 0, 2) == {"a.txt"}


def test_a_writer_that_logs_nothing_breaks_the_chain():
    state = schema.bumped(_run(schema.new_store_state("m", 384, "fp32"), {"a.txt"}))
    assert schema.changes_between(state, 0, schema.generation(state)) is None


def test_the_log_stays_small_and_a_large_run_forces_a_rebuild():
    state = schema.new_store_state("m", 384, "fp32")
    for n in range(40):
        state = _run(state, {f"{n}.txt"})
    assert len(schema._change_log(state)) == schema.MAX_LOGGED_RUNS
    huge = _run(state, {f"big{n}.txt" for n in range(schema.MAX_LOGGED_SOURCES + 1)})
    assert schema.changes_between(huge, schema.generation(state), schema.generation(huge)) is None


def test_a_store_of_another_precision_is_refused_like_another_model():
    state = schema.new_store_state("all-MiniLM-L6-v2", 384, "fp32")
    assert schema.model_mismatch(state, "all-MiniLM-L6-v2", 384, "fp32") is None
    assert "fp32" in schema.model_mismatch(state, "all-MiniLM-L6-v2", 384, "int8")
    assert schema.model_mismatch(state, "bge", 768, "fp32")
    legacy = {"embed_model": "all-MiniLM-L6-v2", "embed_dim": 384}  # written before precisions existed
    assert schema.model_mismatch(legacy, "all-MiniLM-L6-v2", 384, "fp32") is None
    assert schema.model_mismatch(legacy, "all-MiniLM-L6-v2", 384, "int8")


def test_chunk_records_round_trip():
    meta = schema.chunk_metadata("a.txt", "h", {"title": "T", "published": "2022"}, 5, 9, 1)
    chunk = schema.parse_chunk(schema.chunk_id("a.txt", 1, 5, "text"), "text", meta)
    assert (chunk.source, chunk.start, chunk.end, chunk.title, chunk.publication, chunk.published) == \
        ("a.txt", 5, 9, "T", None, "2022")
    record = schema.article_record("h", {"title": "T", "title_derived": True}, 3, "", [(0, 4, "ORG")],
                                   [(0, 4), (5, 9)])
    article = schema.parse_article("a.txt", record, "ACME here", full=True)
    assert (article.chunks, article.title_derived, article.entities, article.sentences) == \
        (3, True, ((0, 4, "ORG"),), ((0, 4), (5, 9)))
    assert schema.parse_article("a.txt", {"chunks": 1}, "old record").sentences == ()
