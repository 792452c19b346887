# Run R stochvol's svsample on one series (called by synthvol.sv.rstochvol).
#
#   Rscript stochvol_svsample.R y.csv out.csv draws burnin seed mu_mean mu_sd phi_a phi_b sigma2_scale
#
# y.csv: one column "y". out.csv: the kept draws of mu, phi, sigma and h_n, one row each;
# the first line of out.csv is a comment "# runtime <seconds> stochvol <version>", the
# sampler's own time ($runtime, elapsed), without R's start-up or post-processing.
args <- commandArgs(trailingOnly = TRUE)
suppressMessages(library(stochvol))
y <- read.csv(args[1])$y
draws <- as.integer(args[3])
burnin <- as.integer(args[4])
set.seed(as.integer(args[5]))
fit <- svsample(y, draws = draws, burnin = burnin, quiet = TRUE, keeptime = "last",
                priormu = c(as.numeric(args[6]), as.numeric(args[7])),
                priorphi = c(as.numeric(args[8]), as.numeric(args[9])),
                priorsigma = as.numeric(args[10]))
para <- fit$para[[1]]
out <- data.frame(mu = as.numeric(para[, "mu"]), phi = as.numeric(para[, "phi"]),
                  sigma = as.numeric(para[, "sigma"]), h_n = as.numeric(fit$latent[[1]][, 1]))
con <- file(args[2], "w")
writeLines(sprintf("# runtime %.6f stochvol %s R %s", fit$runtime[["elapsed"]],
                   as.character(packageVersion("stochvol")), getRversion()), con)
write.csv(out, con, row.names = FALSE)
close(con)
