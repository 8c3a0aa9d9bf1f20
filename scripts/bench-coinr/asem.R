# COINr reference benchmark on the ASEM data set.
#
# Builds COINr's example pipeline from shared/data/coinr-asem/{iData,iMeta}.csv,
# checks it against expected-v1/, times one build, then runs the uncertainty
# analysis (and a small sensitivity analysis) of COINr's sensitivity vignette.
# See README.md beside this file for installing COINr and running this.
#
# Usage: Rscript asem.R [key=value ...]
#   data=/work/shared/data/coinr-asem   folder with iData.csv, iMeta.csv, expected-v1/
#   out=/work/coinr-bench               where the CSVs go
#   reps=20                             timed repeats of the build (and of Regen)
#   n_ua=1000                           UA sample size (runs)
#   n_sa=100                            SA base sample size (runs = n_sa * (d + 2)); 0 skips the SA
#   nboot=100                           SA bootstrap replicates
#   nrep_w=100                          number of noisy weight sets (the vignette's Nrep)
#   seed=1                              set.seed() before the noisy weights and the UA sample

suppressPackageStartupMessages(library(COINr))

# ---- arguments -------------------------------------------------------------
defaults <- list(data = "/work/shared/data/coinr-asem", out = "/work/coinr-bench",
                 reps = "20", n_ua = "1000", n_sa = "100", nboot = "100",
                 nrep_w = "100", seed = "1")
args <- commandArgs(trailingOnly = TRUE)
for (a in args) {
  kv <- strsplit(a, "=", fixed = TRUE)[[1]]
  if (length(kv) != 2 || !(kv[1] %in% names(defaults))) stop("bad argument: ", a)
  defaults[[kv[1]]] <- kv[2]
}
opt <- defaults
reps <- as.integer(opt$reps); n_ua <- as.integer(opt$n_ua); n_sa <- as.integer(opt$n_sa)
nboot <- as.integer(opt$nboot); nrep_w <- as.integer(opt$nrep_w); seed <- as.integer(opt$seed)
dir.create(opt$out, showWarnings = FALSE, recursive = TRUE)

cat("COINr", as.character(utils::packageVersion("COINr")), "|", R.version.string, "\n")
cat("BLAS:", extSoftVersion()[["BLAS"]], "\n")

# write.csv with every double in the shortest of 15/16/17 significant digits that reads back
# as the same double; empty field = NA
fmt_double <- function(v) {
  out <- sprintf("%.15g", v)
  for (dg in c(16, 17)) {
    bad <- !is.na(v) & as.numeric(out) != v
    out[bad] <- sprintf(paste0("%.", dg, "g"), v[bad])
  }
  out[is.na(v)] <- NA
  out
}
write_csv <- function(df, file) {
  is_chr <- vapply(df, function(v) is.character(v) || is.factor(v), logical(1))
  for (nm in names(df)) if (is.double(df[[nm]])) df[[nm]] <- fmt_double(df[[nm]])
  utils::write.csv(df, file, row.names = FALSE, na = "", quote = which(is_chr))
}

# CPU seconds of this process (user + system), and wall seconds
cpu_wall <- function(expr) {
  t0 <- proc.time()
  force(expr)
  t1 <- proc.time() - t0
  c(wall = unname(t1[["elapsed"]]), cpu = unname(t1[["user.self"]] + t1[["sys.self"]]))
}

# ---- data --------------------------------------------------------------------
read_in <- function(f) {
  df <- utils::read.csv(file.path(opt$data, f), stringsAsFactors = FALSE,
                        na.strings = c("", "NA"), check.names = FALSE)
  # integer columns -> double (as COINr's own ASEM_iData / ASEM_iMeta)
  for (nm in names(df)) if (is.integer(df[[nm]])) df[[nm]] <- as.numeric(df[[nm]])
  df
}
iData <- read_in("iData.csv")
iMeta <- read_in("iMeta.csv")
cat("iData:", nrow(iData), "units x", ncol(iData), "columns; iMeta:", nrow(iMeta), "rows\n")
cat("identical to COINr::ASEM_iData / ASEM_iMeta (values):",
    isTRUE(all.equal(iData, COINr::ASEM_iData, check.attributes = FALSE)), "/",
    isTRUE(all.equal(iMeta, COINr::ASEM_iMeta, check.attributes = FALSE)), "\n")

# ---- the pipeline (as COINr's build_example_coin()) ----------------------------
build <- function() {
  coin <- new_coin(iData, iMeta, level_names = c("Indicator", "Pillar", "Sub-index", "Index"),
                   quietly = TRUE)
  coin <- Denominate(coin, dset = "Raw")
  coin <- Impute(coin, dset = "Denominated", f_i = "i_mean_grp", use_group = "EurAsia_group")
  coin <- Screen(coin, dset = "Imputed", dat_thresh = 0.9, unit_screen = "byNA")
  coin <- Treat(coin, dset = "Screened", global_specs = list(f1_para = list(winmax = 5)))
  coin <- Normalise(coin, dset = "Treated",
                    global_specs = list(f_n = "n_minmax", f_n_para = list(c(0, 100))))
  coin <- Aggregate(coin, dset = "Normalised", f_ag = "a_amean")
  coin
}
coin <- suppressMessages(build())

# ---- check against expected-v1 -------------------------------------------------
cat("\n== check against expected-v1 (COINr 1.1.14 outputs)\n")
max_diff <- function(got, exp_df) {
  m <- merge(got, exp_df, by = "uCode", suffixes = c(".got", ".exp"))
  stopifnot(nrow(m) == nrow(exp_df), nrow(got) == nrow(exp_df))
  cols <- setdiff(names(exp_df), "uCode")
  stopifnot(all(cols %in% names(got)))
  d <- sapply(cols, function(cc) {
    a <- m[[paste0(cc, ".got")]]; b <- m[[paste0(cc, ".exp")]]
    if (any(is.na(a) != is.na(b))) return(Inf)
    suppressWarnings(max(abs(a - b), na.rm = TRUE))
  })
  d[!is.finite(d) & d != Inf] <- 0
  max(d)
}
all_ok <- TRUE
for (ds in c("Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated")) {
  exp_df <- read_in(file.path("expected-v1", paste0(ds, ".csv")))
  md <- max_diff(get_dset(coin, ds), exp_df)
  ok <- md <= 1e-9
  all_ok <- all_ok && ok
  cat(sprintf("  %-12s %2d units x %2d cols  max |diff| = %.3g  %s\n", ds, nrow(exp_df),
              ncol(exp_df) - 1, md, if (ok) "OK" else "MISMATCH"))
}
agg <- get_dset(coin, "Aggregated")
exp_agg <- read_in("expected-v1/Aggregated.csv")
m <- merge(agg[c("uCode", "Index")], exp_agg[c("uCode", "Index")], by = "uCode")
cat(sprintf("  Index column: %d units, max |diff| = %.3g, identical doubles: %s\n",
            nrow(m), max(abs(m$Index.x - m$Index.y)), identical(m$Index.x, m$Index.y)))
exp_rank <- read_in("expected-v1/ranks.csv")
rk <- rank_df(agg[c("uCode", "Index")])
mr <- merge(rk, exp_rank[c("uCode", "Index")], by = "uCode")
cat("  Index ranks equal to expected-v1/ranks.csv:", all(mr$Index.x == mr$Index.y), "\n")
if (!all_ok) stop("the pipeline does not reproduce expected-v1")

# ---- time one build ------------------------------------------------------------
cat("\n== build timing (", reps, "repeats each)\n")
t_build <- t(sapply(seq_len(reps), function(i) cpu_wall(suppressMessages(build()))))
t_regen <- t(sapply(seq_len(reps), function(i) cpu_wall(Regen(coin, quietly = TRUE))))
summ <- function(t) sprintf("median wall %.1f ms, median CPU %.1f ms (min wall %.1f, max wall %.1f)",
                            1000 * stats::median(t[, "wall"]), 1000 * stats::median(t[, "cpu"]),
                            1000 * min(t[, "wall"]), 1000 * max(t[, "wall"]))
cat("  full build (new_coin + 6 steps):", summ(t_build), "\n")
cat("  Regen(coin):                     ", summ(t_regen), "\n")
write_csv(data.frame(what = rep(c("build", "regen"), each = reps), rep = rep(seq_len(reps), 2),
                            wall_s = c(t_build[, "wall"], t_regen[, "wall"]),
                            cpu_s = c(t_build[, "cpu"], t_regen[, "cpu"])),
                 file.path(opt$out, "build_times.csv"))

# time of each step inside one build (median over reps)
steps <- list(
  new_coin = function(c) new_coin(iData, iMeta, level_names = c("Indicator", "Pillar", "Sub-index", "Index"), quietly = TRUE),
  Denominate = function(c) Denominate(c, dset = "Raw"),
  Impute = function(c) Impute(c, dset = "Denominated", f_i = "i_mean_grp", use_group = "EurAsia_group"),
  Screen = function(c) Screen(c, dset = "Imputed", dat_thresh = 0.9, unit_screen = "byNA"),
  Treat = function(c) Treat(c, dset = "Screened", global_specs = list(f1_para = list(winmax = 5))),
  Normalise = function(c) Normalise(c, dset = "Treated", global_specs = list(f_n = "n_minmax", f_n_para = list(c(0, 100)))),
  Aggregate = function(c) Aggregate(c, dset = "Normalised", f_ag = "a_amean"))
t_steps <- matrix(NA, reps, length(steps), dimnames = list(NULL, names(steps)))
for (i in seq_len(reps)) {
  cc <- NULL
  for (st in names(steps)) {
    t0 <- proc.time()[["elapsed"]]
    cc <- suppressMessages(steps[[st]](cc))
    t_steps[i, st] <- proc.time()[["elapsed"]] - t0
  }
}
cat("  per step, median wall ms:", paste(sprintf("%s %.1f", names(steps), 1000 * apply(t_steps, 2, stats::median)), collapse = ", "), "\n")

# ---- diagnostics: what winmax does, what the geometric mean sees ------------------
cat("\n== Treat at winmax 1..5 (dset Screened; f_pass |skew| < 2 OR kurt < 3.5)\n")
scr <- get_dset(coin, "Screened")
treat_rows <- list()
for (wm in 1:5) {
  tr <- Treat(scr, global_specs = list(f1_para = list(winmax = wm)))
  tp <- tr$Treated_Points[names(tr$Treated_Points) != "uCode"]
  logged <- names(Filter(function(v) any(grepl("log_CT", v)), tp))
  winsd <- setdiff(names(Filter(function(v) any(grepl("^win", v)), tp)), logged)
  nwin_pts <- sum(sapply(tp[winsd], function(v) sum(grepl("^win", v))))
  cat(sprintf("  winmax %d: %2d indicators winsorised (%2d points), %d log_CT: %s\n",
              wm, length(winsd), nwin_pts, length(logged), paste(logged, collapse = " ")))
  treat_rows[[wm]] <- data.frame(winmax = wm, iCode = c(winsd, logged),
                                 treatment = c(rep("winsorise", length(winsd)), rep("log_CT", length(logged))))
}
write_csv(do.call(rbind, treat_rows), file.path(opt$out, "treat_by_winmax.csv"))

norm_alts <- list(
  list(f_n = "n_minmax", f_n_para = list(c(1, 100))),
  list(f_n = "n_zscore", f_n_para = list(c(10, 2)))
)
cat("  smallest normalised value over all indicators, per winmax x normaliser:\n")
for (wm in 1:5) {
  c2 <- coin
  c2$Log$Treat$global_specs$f1_para$winmax <- wm
  mins <- sapply(norm_alts, function(na) {
    c3 <- c2; c3$Log$Normalise$global_specs <- na
    c3 <- Regen(c3, quietly = TRUE)
    min(as.matrix(get_dset(c3, "Normalised")[-1]), na.rm = TRUE)
  })
  cat(sprintf("    winmax %d: minmax[1,100] %.4f   zscore(10,2) %.4f\n", wm, mins[1], mins[2]))
}

# ---- the uncertainty analysis (COINr vignette "sensitivity") ----------------------
set.seed(seed)
w_nom <- coin$Meta$Weights$Original
noise_specs <- data.frame(Level = c(2, 3), NoiseFactor = c(0.25, 0.25))
noisy_wts <- get_noisy_weights(w = w_nom, noise_specs = noise_specs, Nrep = nrep_w)

SA_specs <- list(
  Winmax = list(Address = "$Log$Treat$global_specs$f1_para$winmax",
                Distribution = 1:5, Type = "discrete"),
  Normalisation = list(Address = "$Log$Normalise$global_specs",
                       Distribution = norm_alts, Type = "discrete"),
  Weights = list(Address = "$Log$Aggregate$w",
                 Distribution = noisy_wts, Type = "discrete"),
  Aggregation = list(Address = "$Log$Aggregate$f_ag",
                     Distribution = c("a_amean", "a_gmean"), Type = "discrete")
)

# write the noisy weight sets, so another implementation can reuse them
wl <- do.call(rbind, lapply(seq_along(noisy_wts), function(k)
  data.frame(set = k, noisy_wts[[k]][c("iCode", "Level", "Weight")])))
write_csv(wl, file.path(opt$out, "ua_weight_sets.csv"))

# record the per-run choices that get_sensitivity draws (same mapping as COINr's sample_2_para)
run_table <- function(res, n_runs) {
  P <- res$Para
  wset <- sapply(P$Weights, function(w) {
    k <- which(vapply(noisy_wts, function(z) identical(z, w), logical(1)))
    if (length(k) == 0) NA_integer_ else k[1]
  })
  data.frame(run = seq_len(n_runs),
             winmax = unlist(P$Winmax),
             normaliser = vapply(P$Normalisation, function(z) z$f_n, character(1)),
             weight_set = wset,
             aggregation = unlist(P$Aggregation))
}

cat("\n== UA: get_sensitivity(SA_type = 'UA', N =", n_ua, ", dset = 'Aggregated', iCode = 'Index')\n")
invisible(gc())
set.seed(seed + 1000L)
t_ua <- system.time(
  ua <- get_sensitivity(coin, SA_specs = SA_specs, N = n_ua, SA_type = "UA",
                        dset = "Aggregated", iCode = "Index", quietly = TRUE)
)
cat(sprintf("  UA %d runs: wall %.2f s, CPU %.2f s (user %.2f, sys %.2f); %.1f ms wall per run\n",
            n_ua, t_ua[["elapsed"]], t_ua[["user.self"]] + t_ua[["sys.self"]], t_ua[["user.self"]],
            t_ua[["sys.self"]], 1000 * t_ua[["elapsed"]] / n_ua))
rs <- ua$RankStats
rs <- rs[order(rs$Nominal, rs$uCode), ]
write_csv(rs, file.path(opt$out, "ua_ranks.csv"))
write_csv(ua$Scores, file.path(opt$out, "ua_scores.csv"))
write_csv(ua$Ranks, file.path(opt$out, "ua_rank_matrix.csv"))
rt <- run_table(ua, n_ua)
failed <- colSums(is.na(ua$Scores[-(1:2)])) == nrow(ua$Scores)
rt$failed <- unname(failed)
write_csv(rt, file.path(opt$out, "ua_runs.csv"))
cat("  failed runs (Regen error -> all NA):", sum(failed), "\n")
# replay a few runs from ua_runs.csv + ua_weight_sets.csv, to show that these two files fully define each run
replay <- function(r) {
  c2 <- coin
  c2$Log$Treat$global_specs$f1_para$winmax <- rt$winmax[r]
  c2$Log$Normalise$global_specs <- norm_alts[[match(rt$normaliser[r], c("n_minmax", "n_zscore"))]]
  c2$Log$Aggregate$w <- noisy_wts[[rt$weight_set[r]]]
  c2$Log$Aggregate$f_ag <- rt$aggregation[r]
  s2 <- get_dset(Regen(c2, quietly = TRUE), "Aggregated")[c("uCode", "Index")]
  mm <- merge(s2, ua$Scores[c("uCode", paste0("r_", r))], by = "uCode")
  max(abs(mm[[2]] - mm[[3]]))
}
rp <- sapply(1:10, replay)
cat("  replay of runs 1..10 from ua_runs.csv: max |diff| of Index =", max(rp), "\n")
cat("  draws: winmax", paste(names(table(rt$winmax)), table(rt$winmax), sep = ":", collapse = " "),
    "| normaliser", paste(names(table(rt$normaliser)), table(rt$normaliser), sep = ":", collapse = " "),
    "| aggregation", paste(names(table(rt$aggregation)), table(rt$aggregation), sep = ":", collapse = " "),
    "| distinct weight sets", length(unique(rt$weight_set)), "\n")
ties <- sum(apply(ua$Scores[-1], 2, function(s) sum(duplicated(s[!is.na(s)]))))
cat("  tied scores (duplicates within a run, incl. nominal):", ties, "\n")
cat("  rank statistics (ua_ranks.csv):\n")
print(format(rs, digits = 4), row.names = FALSE)

# ---- a small sensitivity analysis ---------------------------------------------------
if (n_sa > 0) {
  d <- length(SA_specs)
  cat("\n== SA: get_sensitivity(SA_type = 'SA', N =", n_sa, ", Nboot =", nboot, ") =",
      n_sa * (d + 2), "runs\n")
  invisible(gc())
  set.seed(seed + 2000L)
  t_sa <- system.time(
    sa <- get_sensitivity(coin, SA_specs = SA_specs, N = n_sa, SA_type = "SA",
                          dset = "Aggregated", iCode = "Index", Nboot = nboot, quietly = TRUE)
  )
  cat(sprintf("  SA %d runs: wall %.2f s, CPU %.2f s; %.1f ms wall per run\n", n_sa * (d + 2),
              t_sa[["elapsed"]], t_sa[["user.self"]] + t_sa[["sys.self"]],
              1000 * t_sa[["elapsed"]] / (n_sa * (d + 2))))
  write_csv(sa$Sensitivity, file.path(opt$out, "sa_indices.csv"))
  srs <- sa$RankStats[order(sa$RankStats$Nominal, sa$RankStats$uCode), ]
  write_csv(srs, file.path(opt$out, "sa_ranks.csv"))
  srt <- run_table(sa, n_sa * (d + 2))
  srt$failed <- unname(colSums(is.na(sa$Scores[-(1:2)])) == nrow(sa$Scores))
  srt$mean_abs_rank_change <- apply(sa$Ranks[-(1:2)], 2, function(x)
    mean(abs(x - sa$Ranks$Nominal), na.rm = TRUE))
  write_csv(srt, file.path(opt$out, "sa_runs.csv"))
  cat("  failed runs:", sum(srt$failed), "\n  sensitivity indices (sa_indices.csv):\n")
  print(format(sa$Sensitivity, digits = 4), row.names = FALSE)
  timing_sa <- c(wall = t_sa[["elapsed"]], cpu = t_sa[["user.self"]] + t_sa[["sys.self"]])
} else {
  timing_sa <- c(wall = NA, cpu = NA)
}

# ---- summary --------------------------------------------------------------------------
summary_df <- data.frame(
  what = c("build_median", "regen_median", "ua_total", "sa_total"),
  runs = c(1, 1, n_ua, if (n_sa > 0) n_sa * (length(SA_specs) + 2) else NA),
  wall_s = c(stats::median(t_build[, "wall"]), stats::median(t_regen[, "wall"]),
             t_ua[["elapsed"]], timing_sa[["wall"]]),
  cpu_s = c(stats::median(t_build[, "cpu"]), stats::median(t_regen[, "cpu"]),
            t_ua[["user.self"]] + t_ua[["sys.self"]], timing_sa[["cpu"]]))
write_csv(summary_df, file.path(opt$out, "timings.csv"))
cat("\n== timings (timings.csv)\n")
print(summary_df, row.names = FALSE)
cat("outputs in", opt$out, "\n")
