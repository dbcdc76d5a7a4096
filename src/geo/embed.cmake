# SCB's DeSO 2025 -> RegSO 2025 key file (CC0; provenance in data/README.md),
# the second built-in geography vintage (om_geo_open("DeSO2025")).
om_embed(om_embed_deso2025 data/scb/vintage-2025/deso2025-regso2025.csv)
