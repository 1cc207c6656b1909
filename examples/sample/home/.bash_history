#1763629200
gh auth status
#1763629260
export GITHUB_TOKEN=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
#1763629300
git push origin main
