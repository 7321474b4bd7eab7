"""User errors are one line naming the problem, with exit status 2."""

import json

from fusion.cli import main


def test_missing_scenario_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["replay", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert "nowhere: not a folder" in err and "Traceback" not in err


def test_incomplete_scenario_names_the_missing_files(tmp_path, capsys):
    (tmp_path / "ais.nmea").write_text("")
    assert main(["replay", str(tmp_path)]) == 2
    assert "missing radar.jsonl, sensors.json" in capsys.readouterr().err


def test_bad_sensors_file_names_file_and_field(tmp_path, capsys):
    for name in ("ais.nmea", "radar.jsonl"):
        (tmp_path / name).write_text("")
    (tmp_path / "sensors.json").write_text(json.dumps({"radars": [{"id": "R"}], "ais_receivers": []}))
    assert main(["replay", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "sensors.json" in err and "radars[0]" in err


def test_unknown_bus_url_is_a_clear_error(tmp_path, capsys):
    for name in ("ais.nmea", "radar.jsonl"):
        (tmp_path / name).write_text("")
    (tmp_path / "sensors.json").write_text(
        json.dumps(
            {"radars": [], "ais_receivers": [{"id": "A", "lat": 24.8, "lon": 66.97, "range_m": 60000}]}
        )
    )
    assert main(["replay", str(tmp_path), "--bus", "nonsense://x"]) == 2
    err = capsys.readouterr().err
    assert "nonsense://x" in err and "Traceback" not in err


def test_speed_must_be_max_or_positive(capsys):
    try:
        main(["replay", "x", "--speed", "0"])
    except SystemExit as exit_:
        assert exit_.code == 2
    assert "speed must be 'max' or a positive factor" in capsys.readouterr().err
