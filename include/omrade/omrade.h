/* omrade — umbrella header: the whole public API. */
#ifndef OMRADE_OMRADE_H
#define OMRADE_OMRADE_H

#include "omrade/build.h"
#include "omrade/change.h"
#include "omrade/common.h"
#include "omrade/csv.h"
#include "omrade/formats.h"
#include "omrade/geo.h"
#include "omrade/geom.h"
#include "omrade/hash.h"
#include "omrade/health.h"
#include "omrade/healthio.h"
#include "omrade/link.h"
#include "omrade/need.h"
#include "omrade/scb.h"
#include "omrade/seg.h"
#include "omrade/sdc.h"
#include "omrade/provenance.h"
#include "omrade/readstat.h"
#include "omrade/rng.h"
#include "omrade/sei.h"
#include "omrade/serve.h"
#include "omrade/stats.h"
#include "omrade/synth.h"
#include "omrade/xwalk.h"

#endif
