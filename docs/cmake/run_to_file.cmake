# cmake -DPROGRAM=<exe> -DARGS="a;b;c" -DOUTPUT=<file> [-DACCEPT_FAILURE_CODE=1] -P run_to_file.cmake
#
# Runs PROGRAM ARGS and writes its standard output to OUTPUT (written only when it changed, so the
# Doxygen step is not re-run needlessly). Exit code 0 passes. ACCEPT_FAILURE_CODE names one more
# exit code that still yields a usable output: `cnnlab verify` exits 1 when a claim FAILs, and the
# site should then *show* the FAIL rather than not build; a warning is printed. Any other exit code
# stops the build with the program's error output.
execute_process(COMMAND ${PROGRAM} ${ARGS}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
string(REPLACE ";" " " shown "${ARGS}")
if(NOT rc EQUAL 0)
  if(DEFINED ACCEPT_FAILURE_CODE AND rc EQUAL ACCEPT_FAILURE_CODE)
    message(WARNING "'${PROGRAM} ${shown}' exited with ${rc}: the page will show what it reported.")
  else()
    message(FATAL_ERROR "'${PROGRAM} ${shown}' failed (exit ${rc}):\n${err}")
  endif()
endif()
set(old "")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT old STREQUAL out)
  file(WRITE "${OUTPUT}" "${out}")
endif()
