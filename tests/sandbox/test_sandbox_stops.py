"""Stop sequences split across streamed pieces are caught, and never partly sent."""

from __future__ import annotations

from llmwidgets.sandbox.stops import StopMatcher


def feed_all(
    stops: list[str], pieces: list[str], flagged: list[str] = ()
) -> tuple[list[str], object]:
    matcher = StopMatcher(stops, flagged)
    sent = []
    for piece in pieces:
        text, reason = matcher.feed(piece)
        sent.append(text)
        if reason:
            return sent, True if reason == "stop" else reason
    sent.append(matcher.flush(""))
    return sent, False


def test_stop_split_across_pieces_is_cut_before_it() -> None:
    assert feed_all(["END"], ["hello E", "N", "D more"]) == (["hello ", "", ""], True)


def test_false_start_is_released_once_it_cannot_be_a_stop() -> None:
    assert feed_all(["END"], ["an E", "Ngine"]) == (["an ", "ENgine", ""], False)


def test_held_text_is_flushed_at_the_end() -> None:
    assert feed_all(["END"], ["stops at E"]) == (["stops at ", "E"], False)


def test_earliest_of_several_stops_wins() -> None:
    assert feed_all(["b", "cd"], ["a cd b"]) == (["a "], True)


def test_no_stops_passes_everything_through() -> None:
    assert feed_all([], ["a", "b"]) == (["a", "b", ""], False)


def test_a_flagged_word_ends_with_content_filter_whatever_its_case() -> None:
    assert feed_all([], ["a Dra", "GON flew"], flagged=["dragon"]) == (["a ", ""], "content_filter")


def test_the_earliest_of_a_stop_and_a_flagged_word_wins() -> None:
    assert feed_all(["END"], ["x END dragon"], flagged=["dragon"]) == (["x "], True)
    assert feed_all(["END"], ["x dragon END"], flagged=["dragon"]) == (["x "], "content_filter")
