import pytest

from partnerdesk.core.knowledge import Bilingual, load_knowledge
from partnerdesk.generate.generate import render_outputs, write_outputs


def test_the_committed_file_loads_as_built(knowledge, built_knowledge):
    assert knowledge == built_knowledge
    assert load_knowledge() is knowledge  # cached


def test_a_freshly_written_file_round_trips(tmp_paths, built_knowledge):
    write_outputs(render_outputs(tmp_paths))
    assert load_knowledge(tmp_paths.knowledge) == built_knowledge


def test_by_id(knowledge):
    assert knowledge.by_id("token_split").ttu_id == "7c473-142"
    with pytest.raises(KeyError):
        knowledge.by_id("no_such_faq")


def test_bilingual_get():
    text = Bilingual(en="Hello", ko="안녕하세요")
    assert (text.get("ko"), text.get("en"), text.get("fr")) == ("안녕하세요", "Hello", "Hello")
