# The barometer front end, built with npm at build time, and its map layers,
# made by `omrade geom` (included from the top-level CMakeLists.txt).  Output:
#   ${CMAKE_BINARY_DIR}/web/   index.html, app.js, app.css (served by `omrade serve`,
#                              which finds web/ next to the omrade binary)
#   ${CMAKE_BINARY_DIR}/geo/   {lan,kommun,regso,police,deso}.topo.json (`omrade build --geometry`)
# Without node/npm the front end is skipped with a message; the C parts build.
# The map layers are made in one place, `omrade geom` (C, GDAL/GEOS), with or
# without node: without GDAL there is no map (the front end says so).
if(OMRADE_WITH_GDAL)
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/geo/regso.topo.json
    COMMAND sh ${CMAKE_SOURCE_DIR}/web/scripts/geo.sh $<TARGET_FILE:omrade_cli> ${CMAKE_BINARY_DIR}/geo
    DEPENDS omrade_cli ${CMAKE_SOURCE_DIR}/web/scripts/geo.sh
            ${CMAKE_SOURCE_DIR}/data/geo/swe-maps-kommun.geojson ${CMAKE_SOURCE_DIR}/data/polisen/uso_2023.shp
            ${CMAKE_SOURCE_DIR}/data/geo/deso-2018-uppsala/Deso_inomUppsalaLan.zip
    COMMENT "Making the map layers with omrade geom" VERBATIM)
  add_custom_target(geo ALL DEPENDS ${CMAKE_BINARY_DIR}/geo/regso.topo.json)
else()
  message(STATUS "GDAL off: the barometer's map layers (omrade geom) are not made")
endif()
find_program(OM_NODE node)
find_program(OM_NPM npm)
if(OM_NODE AND OM_NPM)
  set(OM_WEB_OUT ${CMAKE_BINARY_DIR}/web/index.html ${CMAKE_BINARY_DIR}/web/app.js)
  file(GLOB_RECURSE OM_WEB_SRC CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/web/src/* ${CMAKE_SOURCE_DIR}/web/scripts/*.mjs)
  add_custom_command(OUTPUT ${OM_WEB_OUT}
    COMMAND sh ${CMAKE_SOURCE_DIR}/web/scripts/npm-ci.sh
    COMMAND ${OM_NODE} ${CMAKE_SOURCE_DIR}/web/scripts/build.mjs ${CMAKE_BINARY_DIR}/web
    DEPENDS ${OM_WEB_SRC} ${CMAKE_SOURCE_DIR}/web/index.html ${CMAKE_SOURCE_DIR}/web/package-lock.json
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/web
    COMMENT "Building the barometer front end (npm)" VERBATIM)
  add_custom_target(web ALL DEPENDS ${OM_WEB_OUT})
  # Unit tests of the pure front-end modules (node's test runner; the
  # JSON-stat test reads files back with jsonstat-toolkit from node_modules,
  # installed by the web target).
  add_test(NAME web/unit COMMAND ${OM_NODE} --test ${CMAKE_SOURCE_DIR}/web/tests/unit/
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/web)
  # Browser tests run only where Debian's Chromium is installed.
  if(EXISTS /usr/bin/chromium AND OMRADE_WITH_MICROHTTPD)
    add_test(NAME e2e/barometer COMMAND sh ${CMAKE_SOURCE_DIR}/web/tests/run_e2e.sh
             $<TARGET_FILE:omrade_cli> ${CMAKE_BINARY_DIR}/web ${CMAKE_BINARY_DIR}/geo)
    set_tests_properties(e2e/barometer PROPERTIES TIMEOUT 900 RUN_SERIAL TRUE)
  endif()
else()
  message(STATUS "node/npm not found: the barometer front end is not built")
endif()
