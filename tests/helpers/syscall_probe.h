#pragma once

struct probe_call {
  const char* name;
  long nr;
};

extern const struct probe_call probe_table_64[], probe_table_32[], probe_table_x32[];
