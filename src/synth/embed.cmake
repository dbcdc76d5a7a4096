# Calibration tables of the synthetic population (derived by
# scripts/synth-calibration.py from data/scb/; provenance in data/README.md).
om_embed(om_embed_synth_deso data/synth/deso-2022.csv)
om_embed(om_embed_synth_types data/synth/regso-types-2023.csv)
om_embed(om_embed_synth_households data/scb/deso-2022-csv/000005F8_20240813-152932.csv)
